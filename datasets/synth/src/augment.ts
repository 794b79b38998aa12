import { deriveSeed, mulberry32, uniform } from '@speechkd/random';
import type { RandomFn } from '@speechkd/random';

/** Colour of additive noise. */
export type NoiseType = 'white' | 'pink' | 'brown';

/** Generation-time augmentation settings (all draws seeded per utterance). */
export interface AugmentOptions {
  /** Probability that an utterance gets additive noise (default 0.5). */
  noiseProb?: number;
  /** SNR range in dB for additive noise (default [5, 30]). */
  snrDb?: [number, number];
  /** Gain range in dB applied to every utterance (default [-6, 3]). */
  gainDb?: [number, number];
}

/** Augmentation drawn for one utterance. */
export interface AugmentParams {
  /** Noise colour, or null for no noise. */
  noise: NoiseType | null;
  /** Signal-to-noise ratio in dB (used when noise is set). */
  snrDb: number;
  /** Gain in dB. */
  gainDb: number;
  /** Seed of the noise generator. */
  noiseSeed: number;
}

const NOISES: readonly NoiseType[] = ['white', 'pink', 'brown'];

/** Draws one utterance's augmentation from the corpus seed and the utterance id. */
export function drawAugment(options: AugmentOptions, seed: number, utteranceId: string): AugmentParams {
  const rng = mulberry32(deriveSeed(seed, `augment:${utteranceId}`));
  const { noiseProb = 0.5, snrDb = [5, 30], gainDb = [-6, 3] } = options;
  const withNoise = rng() < noiseProb;
  const noise = NOISES[Math.floor(rng() * NOISES.length)];
  return {
    noise: withNoise ? noise : null,
    snrDb: Number(uniform(rng, snrDb[0], snrDb[1]).toFixed(2)),
    gainDb: Number(uniform(rng, gainDb[0], gainDb[1]).toFixed(2)),
    noiseSeed: deriveSeed(seed, `noise:${utteranceId}`),
  };
}

function gaussian(rng: RandomFn): number {
  // Box-Muller; 1 - u keeps the log argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Seeded noise of the given colour (not normalized; callers scale it to the wanted SNR). */
export function makeNoise(type: NoiseType, length: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(length);
  let b0 = 0, b1 = 0, b2 = 0, brown = 0;
  for (let i = 0; i < length; i++) {
    const w = gaussian(rng);
    if (type === 'white') out[i] = w;
    else if (type === 'pink') {
      // Paul Kellet's economy pink filter (-3 dB/octave within ~1 dB).
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    } else {
      brown = 0.998 * brown + w * 0.05; // leaky integrator: -6 dB/octave without drifting away
      out[i] = brown;
    }
  }
  return out;
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Applies noise at the drawn SNR, then the gain; scales down only if the result would clip. Returns a new array. */
export function applyAugment(samples: Float32Array, params: AugmentParams): Float32Array {
  const out = Float32Array.from(samples);
  if (params.noise) {
    const noise = makeNoise(params.noise, out.length, params.noiseSeed);
    const scale = rms(samples) / (rms(noise) * 10 ** (params.snrDb / 20) || 1);
    for (let i = 0; i < out.length; i++) out[i] += noise[i] * scale;
  }
  let gain = 10 ** (params.gainDb / 20);
  let peak = 0;
  for (let i = 0; i < out.length; i++) peak = Math.max(peak, Math.abs(out[i]));
  if (peak * gain > 0.99) gain = 0.99 / peak;
  for (let i = 0; i < out.length; i++) out[i] *= gain;
  return out;
}
