import { resample } from '@speechkd/audio-features';

/** Resamples mono float samples from `fromRate` to `toRate` Hz (integers) with the project's shared resampler. */
export function resampleTo(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  return resample(samples, fromRate, toRate);
}
