import { ResampleError } from './errors.js';
import type { Rng } from './random.js';
import { resample } from './resample.js';

/** The speed factors of Kaldi/torchaudio 3-way speed perturbation. */
export const SPEED_FACTORS: readonly number[] = [0.9, 1.0, 1.1];

/**
 * Speed perturbation as in Kaldi's `sox speed` / torchaudio's `speed` effect: the audio is played
 * `factor` times faster, changing duration (length / factor) and pitch, by resampling from
 * round(rate * factor) Hz to `sampleRate`.
 */
export function speedPerturb(samples: Float32Array, sampleRate: number, factor: number): Float32Array {
  if (!Number.isFinite(factor) || factor <= 0) throw new ResampleError(`speedPerturb: factor must be a positive number, got ${factor}`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new ResampleError(`speedPerturb: sampleRate must be a positive integer, got ${sampleRate}`);
  if (factor === 1) return samples.slice();
  return resample(samples, Math.round(sampleRate * factor), sampleRate);
}

/** Picks one of `factors` uniformly with a seeded generator (see `createRng`). */
export function chooseSpeedFactor(rng: Rng, factors: readonly number[] = SPEED_FACTORS): number {
  if (factors.length === 0) throw new ResampleError('chooseSpeedFactor: factors is empty');
  return factors[Math.min(factors.length - 1, Math.floor(rng.next() * factors.length))];
}
