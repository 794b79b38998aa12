import { kaldiFbank, resample } from '@speechkd/audio-features';
import type { CmvnStats, CmvnStatsJson, FeatureMatrix } from '@speechkd/audio-features';
import type { FeatureSpec } from './folder/manifest.js';

/** Sample rate the student's features are computed at (Hz). */
export const FEATURE_SAMPLE_RATE = 16000;

/** Number of fbank bins the student presets expect. */
export const FEATURE_BINS = 80;

/** The student's features: 80-bin Kaldi fbank at 16 kHz on int16-scaled samples, no dither (then CMVN when given). */
export function studentFeatureSpec(numMelBins = FEATURE_BINS, cmvn?: CmvnStatsJson): FeatureSpec {
  return { type: 'kaldi-fbank', sampleRate: FEATURE_SAMPLE_RATE, sampleScale: 32768, fbank: { numMelBins, dither: 0, sampleFrequency: FEATURE_SAMPLE_RATE }, ...(cmvn ? { cmvn } : {}) };
}

/** Log-mel features [frames, bins] of mono audio in [-1, 1) as `spec` says (resampled to its rate first); no CMVN. */
export function extractFeatures(samples: Float32Array, sampleRate: number, spec: FeatureSpec): FeatureMatrix {
  const audio = sampleRate === spec.sampleRate ? samples : resample(samples, sampleRate, spec.sampleRate);
  const scaled = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) scaled[i] = audio[i] * spec.sampleScale;
  return kaldiFbank(scaled, { ...spec.fbank, sampleFrequency: spec.sampleRate });
}

/**
 * Log-mel fbank features [frames, 80] (Kaldi conventions, no dither) of mono audio in [-1, 1);
 * audio at another rate is resampled to 16 kHz first. Samples are int16-scaled as Kaldi expects.
 */
export function computeFeatures(samples: Float32Array, sampleRate: number, numMelBins = FEATURE_BINS): FeatureMatrix {
  return extractFeatures(samples, sampleRate, studentFeatureSpec(numMelBins));
}

/** Applies global CMVN (means and variances) when statistics are given, else returns the input. */
export function normalizeFeatures(features: FeatureMatrix, cmvn: CmvnStats | undefined): FeatureMatrix {
  return cmvn ? cmvn.apply(features) : features;
}

/** Features of one utterance for a network: fbank as `spec` says, then CMVN when statistics are given (non-empty input). */
export function normalizedFeatures(samples: Float32Array, sampleRate: number, spec: FeatureSpec, cmvn: CmvnStats | undefined): { data: Float32Array; frames: number } {
  const f = extractFeatures(samples, sampleRate, spec);
  const n = cmvn && f.numFrames > 0 ? cmvn.apply(f) : f;
  return { data: n.data, frames: n.numFrames };
}

/**
 * Runs `run` on padded batches of utterances sorted by length (at most `budget` padded frames per batch);
 * `data` is [batch, maxFrames, bins] row-major. Utterances under `minFrames` frames (no output frame after
 * the network's subsampling; 7 for the x4 students) transcribe to ''. Results are in input order.
 */
export async function transcribeByLength<T>(
  feats: ReadonlyArray<{ data: Float32Array; frames: number }>,
  budget: number,
  minFrames: number,
  empty: T,
  run: (data: Float32Array, lengths: number[]) => T[] | Promise<T[]>,
): Promise<T[]> {
  const out = new Array<T>(feats.length).fill(empty);
  const order = feats.map((_, i) => i).filter((i) => feats[i].frames >= minFrames).sort((a, b) => feats[a].frames - feats[b].frames);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && (end - start + 1) * feats[order[end]].frames <= budget) end++;
    const idx = order.slice(start, end);
    const maxT = feats[idx[idx.length - 1]].frames;
    const bins = feats[idx[0]].data.length / feats[idx[0]].frames;
    const data = new Float32Array(idx.length * maxT * bins);
    idx.forEach((i, k) => data.set(feats[i].data, k * maxT * bins));
    const results = await run(data, idx.map((i) => feats[i].frames));
    idx.forEach((i, k) => (out[i] = results[k]));
    start = end;
  }
  return out;
}
