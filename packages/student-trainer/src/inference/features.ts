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
