import { AugmentOptionError } from './errors.js';
import type { FeatureMatrix } from './kaldi-fbank.js';
import { createRng } from './random.js';

/** SpecAugment settings (Park et al. 2019); defaults follow the LibriSpeech "LD" policy without warp. */
export interface SpecAugmentOptions {
  /** Number of frequency masks (2). */
  numFreqMasks?: number;
  /** Maximum frequency-mask width F in bins (27). */
  freqMaskWidth?: number;
  /** Number of time masks (2). */
  numTimeMasks?: number;
  /** Maximum time-mask width T in frames (100). */
  timeMaskWidth?: number;
  /** Upper bound p on a time mask as a proportion of the frames (1.0). */
  timeMaskMaxProportion?: number;
  /** Maximum time-warp distance W in frames; 0 disables warping (0). */
  timeWarp?: number;
  /** Value written into masked cells: a number, or 'mean' for the utterance mean (0). */
  maskValue?: number | 'mean';
  /** PRNG seed (0). */
  seed?: number;
}

function nonNegativeInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new AugmentOptionError(`specAugment option ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** Linear-interpolation time warp: frames [0, c) are stretched to [0, w) and [c, T) to [w, T). */
function timeWarp(src: Float32Array, numFrames: number, numBins: number, center: number, warped: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let t = 0; t < numFrames; t++) {
    // Map the output frame t back to a fractional source position.
    const pos = t < warped ? (t * center) / warped : center + ((t - warped) * (numFrames - center)) / (numFrames - warped);
    const i = Math.min(numFrames - 1, Math.floor(pos));
    const j = Math.min(numFrames - 1, i + 1);
    const a = pos - i;
    for (let b = 0; b < numBins; b++) out[t * numBins + b] = (1 - a) * src[i * numBins + b] + a * src[j * numBins + b];
  }
  return out;
}

/** SpecAugment on `[frames, bins]` features: optional time warp, then frequency and time masks; returns a new matrix. */
export function specAugment(features: FeatureMatrix, options: SpecAugmentOptions = {}): FeatureMatrix {
  const { numFrames, numBins } = features;
  if (features.data.length !== numFrames * numBins) {
    throw new AugmentOptionError(`specAugment: data has ${features.data.length} values, expected ${numFrames}*${numBins}`);
  }
  const numFreqMasks = nonNegativeInt('numFreqMasks', options.numFreqMasks ?? 2);
  const freqWidth = nonNegativeInt('freqMaskWidth', options.freqMaskWidth ?? 27);
  const numTimeMasks = nonNegativeInt('numTimeMasks', options.numTimeMasks ?? 2);
  const timeWidth = nonNegativeInt('timeMaskWidth', options.timeMaskWidth ?? 100);
  const warp = nonNegativeInt('timeWarp', options.timeWarp ?? 0);
  const p = options.timeMaskMaxProportion ?? 1.0;
  if (!(p >= 0 && p <= 1)) throw new AugmentOptionError(`specAugment option timeMaskMaxProportion must be in [0, 1], got ${p}`);
  const mv = options.maskValue ?? 0;
  if (mv !== 'mean' && !Number.isFinite(mv)) throw new AugmentOptionError(`specAugment option maskValue must be a finite number or 'mean', got ${String(mv)}`);
  const rng = createRng(options.seed ?? 0);
  let data: Float32Array = features.data.slice();
  if (warp > 0 && numFrames > 2 * warp + 1) {
    const center = rng.int(warp, numFrames - warp - 1);
    const warped = rng.int(center - warp, center + warp);
    if (warped !== center && warped > 0 && warped < numFrames) data = timeWarp(data, numFrames, numBins, center, warped);
  }
  let fill = 0;
  if (mv === 'mean') {
    let s = 0;
    for (let i = 0; i < data.length; i++) s += data[i];
    fill = data.length > 0 ? s / data.length : 0;
  } else fill = mv;
  for (let m = 0; m < numFreqMasks; m++) {
    const w = rng.int(0, Math.min(freqWidth, numBins));
    const f0 = rng.int(0, numBins - w);
    for (let t = 0; t < numFrames; t++) data.fill(fill, t * numBins + f0, t * numBins + f0 + w);
  }
  const maxT = Math.min(timeWidth, Math.floor(p * numFrames));
  for (let m = 0; m < numTimeMasks; m++) {
    const w = rng.int(0, maxT);
    const t0 = rng.int(0, numFrames - w);
    data.fill(fill, t0 * numBins, (t0 + w) * numBins);
  }
  return { data, numFrames, numBins };
}
