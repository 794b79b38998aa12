import { kaldiFbank, resample } from '@speechkd/audio-features';
import type { CmvnStats, FeatureMatrix } from '@speechkd/audio-features';

/** Sample rate the model's features are computed at (Hz). */
export const FEATURE_SAMPLE_RATE = 16000;

/** Number of fbank bins the presets expect. */
export const FEATURE_BINS = 80;

/**
 * Log-mel fbank features [frames, 80] (Kaldi conventions, no dither) of mono audio in [-1, 1);
 * audio at another rate is resampled to 16 kHz first. Samples are int16-scaled as Kaldi expects.
 */
export function computeFeatures(samples: Float32Array, sampleRate: number, numMelBins = FEATURE_BINS): FeatureMatrix {
  const audio = sampleRate === FEATURE_SAMPLE_RATE ? samples : resample(samples, sampleRate, FEATURE_SAMPLE_RATE);
  const scaled = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) scaled[i] = audio[i] * 32768;
  return kaldiFbank(scaled, { numMelBins, dither: 0, sampleFrequency: FEATURE_SAMPLE_RATE });
}

/** Applies global CMVN (means and variances) when statistics are given, else returns the input. */
export function normalizeFeatures(features: FeatureMatrix, cmvn: CmvnStats | undefined): FeatureMatrix {
  return cmvn ? cmvn.apply(features) : features;
}

/** Features of one utterance for a recognizer: fbank, then CMVN when statistics are given (non-empty input). */
export function normalizedFeatures(samples: Float32Array, sampleRate: number, numMelBins: number, cmvn: CmvnStats | undefined): { data: Float32Array; frames: number } {
  const f = computeFeatures(samples, sampleRate, numMelBins);
  const n = cmvn && f.numFrames > 0 ? cmvn.apply(f) : f;
  return { data: n.data, frames: n.numFrames };
}

/**
 * Runs `run` on padded batches of utterances sorted by length (at most `budget` padded frames per batch);
 * `data` is [batch, maxFrames, bins] row-major. Utterances under 7 frames (no output frame after x4
 * subsampling) transcribe to ''. Results are in input order.
 */
export async function transcribeByLength(
  feats: ReadonlyArray<{ data: Float32Array; frames: number }>,
  budget: number,
  run: (data: Float32Array, lengths: number[]) => string[] | Promise<string[]>,
): Promise<string[]> {
  const out = new Array<string>(feats.length).fill('');
  const order = feats.map((_, i) => i).filter((i) => feats[i].frames >= 7).sort((a, b) => feats[a].frames - feats[b].frames);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && (end - start + 1) * feats[order[end]].frames <= budget) end++;
    const idx = order.slice(start, end);
    const maxT = feats[idx[idx.length - 1]].frames;
    const bins = feats[idx[0]].data.length / feats[idx[0]].frames;
    const data = new Float32Array(idx.length * maxT * bins);
    idx.forEach((i, k) => data.set(feats[i].data, k * maxT * bins));
    const texts = await run(data, idx.map((i) => feats[i].frames));
    idx.forEach((i, k) => (out[i] = texts[k]));
    start = end;
  }
  return out;
}
