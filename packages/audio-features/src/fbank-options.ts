import { FbankOptionError } from './errors.js';
import { WINDOW_TYPES } from './feature-window.js';
import type { WindowType } from './feature-window.js';

/** Options of `kaldiFbank`: torchaudio.compliance.kaldi.fbank's arguments in camelCase, same defaults. */
export interface FbankOptions {
  /** Constant coefficient of the generalized Blackman window (0.42). */
  blackmanCoeff?: number;
  /** Gaussian dither scale added to every sample of every frame; 0 disables (0). */
  dither?: number;
  /** Seed of the dither noise (0). */
  seed?: number;
  /** Floor on the log-energy column, absolute (1.0); 0 disables. */
  energyFloor?: number;
  /** Frame length in milliseconds (25). */
  frameLength?: number;
  /** Frame shift in milliseconds (10). */
  frameShift?: number;
  /** High cutoff of the mel bins in Hz; <= 0 means offset from Nyquist (0). */
  highFreq?: number;
  /** Put the energy column last instead of first (false). */
  htkCompat?: boolean;
  /** Low cutoff of the mel bins in Hz (20). */
  lowFreq?: number;
  /** Minimum duration in seconds; shorter input gives zero frames (0). */
  minDuration?: number;
  /** Number of triangular mel bins, > 3 (23). */
  numMelBins?: number;
  /** Pre-emphasis coefficient in [0, 1] (0.97). */
  preemphasisCoefficient?: number;
  /** Compute energy before pre-emphasis and windowing (true). */
  rawEnergy?: boolean;
  /** Subtract each frame's mean (true). */
  removeDcOffset?: boolean;
  /** Zero-pad frames to a power-of-two FFT size (true). */
  roundToPowerOfTwo?: boolean;
  /** Sample rate of the input in Hz (16000). */
  sampleFrequency?: number;
  /** Only frames that fit completely (true); false reflects the signal at the ends. */
  snipEdges?: boolean;
  /** Subtract the per-utterance mean of every column (false). */
  subtractMean?: boolean;
  /** Add a log-energy column (false). */
  useEnergy?: boolean;
  /** Log of the filterbank energies (true); false gives linear energies. */
  useLogFbank?: boolean;
  /** Power spectrum (true) or magnitude (false). */
  usePower?: boolean;
  /** VTLN high inflection point in Hz; negative = offset from Nyquist (-500). */
  vtlnHigh?: number;
  /** VTLN low inflection point in Hz (100). */
  vtlnLow?: number;
  /** VTLN warp factor; 1 disables (1.0). */
  vtlnWarp?: number;
  /** Window function ('povey'). */
  windowType?: WindowType;
}

/** `FbankOptions` with every default filled in and derived sizes computed. */
export interface ResolvedFbankOptions extends Required<FbankOptions> {
  /** Samples per frame. */
  windowSize: number;
  /** Samples between frame starts. */
  windowShift: number;
  /** FFT size (windowSize rounded up to a power of two when roundToPowerOfTwo). */
  paddedWindowSize: number;
  /** `highFreq` after the Nyquist offset is applied. */
  resolvedHighFreq: number;
}

/** Defaults of torchaudio.compliance.kaldi.fbank (plus `seed`). */
export const FBANK_DEFAULTS: Readonly<Required<FbankOptions>> = Object.freeze({
  blackmanCoeff: 0.42,
  dither: 0,
  seed: 0,
  energyFloor: 1.0,
  frameLength: 25.0,
  frameShift: 10.0,
  highFreq: 0.0,
  htkCompat: false,
  lowFreq: 20.0,
  minDuration: 0.0,
  numMelBins: 23,
  preemphasisCoefficient: 0.97,
  rawEnergy: true,
  removeDcOffset: true,
  roundToPowerOfTwo: true,
  sampleFrequency: 16000.0,
  snipEdges: true,
  subtractMean: false,
  useEnergy: false,
  useLogFbank: true,
  usePower: true,
  vtlnHigh: -500.0,
  vtlnLow: 100.0,
  vtlnWarp: 1.0,
  windowType: 'povey',
});

function nextPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Fills defaults and validates every option; throws `FbankOptionError` naming the bad option. */
export function resolveFbankOptions(options: FbankOptions = {}): ResolvedFbankOptions {
  for (const key of Object.keys(options)) {
    if (!(key in FBANK_DEFAULTS)) {
      throw new FbankOptionError(key, `unknown option; valid options are ${Object.keys(FBANK_DEFAULTS).join(', ')} (camelCase)`);
    }
  }
  const o = { ...FBANK_DEFAULTS } as Required<FbankOptions>;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  for (const [key, def] of Object.entries(FBANK_DEFAULTS)) {
    const v = (o as Record<string, unknown>)[key];
    if (typeof def === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) throw new FbankOptionError(key, `must be a finite number, got ${String(v)}`);
    if (typeof def === 'boolean' && typeof v !== 'boolean') throw new FbankOptionError(key, `must be a boolean, got ${String(v)}`);
  }
  if (!WINDOW_TYPES.includes(o.windowType)) throw new FbankOptionError('windowType', `unknown window '${String(o.windowType)}'; use one of ${WINDOW_TYPES.join(', ')}`);
  if (o.sampleFrequency <= 0) throw new FbankOptionError('sampleFrequency', `must be > 0 Hz, got ${o.sampleFrequency}`);
  if (o.frameShift <= 0) throw new FbankOptionError('frameShift', `must be > 0 ms, got ${o.frameShift}`);
  if (o.frameLength <= 0) throw new FbankOptionError('frameLength', `must be > 0 ms, got ${o.frameLength}`);
  // Same expression order as torchaudio so truncation gives identical sizes.
  const windowShift = Math.trunc(o.sampleFrequency * o.frameShift * 0.001);
  const windowSize = Math.trunc(o.sampleFrequency * o.frameLength * 0.001);
  if (windowShift < 1) throw new FbankOptionError('frameShift', `${o.frameShift} ms is less than one sample at ${o.sampleFrequency} Hz`);
  if (windowSize < 2) throw new FbankOptionError('frameLength', `${o.frameLength} ms gives a window of ${windowSize} samples at ${o.sampleFrequency} Hz; need >= 2`);
  const paddedWindowSize = o.roundToPowerOfTwo ? nextPowerOfTwo(windowSize) : windowSize;
  if (paddedWindowSize % 2 !== 0) {
    throw new FbankOptionError('frameLength', `window of ${windowSize} samples is odd; set roundToPowerOfTwo or choose an even frame length`);
  }
  if (o.preemphasisCoefficient < 0 || o.preemphasisCoefficient > 1) {
    throw new FbankOptionError('preemphasisCoefficient', `must be in [0, 1], got ${o.preemphasisCoefficient}`);
  }
  if (!Number.isInteger(o.numMelBins) || o.numMelBins <= 3) throw new FbankOptionError('numMelBins', `must be an integer > 3, got ${o.numMelBins}`);
  if (o.dither < 0) throw new FbankOptionError('dither', `must be >= 0, got ${o.dither}`);
  if (o.energyFloor < 0) throw new FbankOptionError('energyFloor', `must be >= 0, got ${o.energyFloor}`);
  if (o.minDuration < 0) throw new FbankOptionError('minDuration', `must be >= 0 s, got ${o.minDuration}`);
  const nyquist = 0.5 * o.sampleFrequency;
  const high = o.highFreq <= 0 ? o.highFreq + nyquist : o.highFreq;
  if (!(o.lowFreq >= 0 && o.lowFreq < nyquist)) throw new FbankOptionError('lowFreq', `${o.lowFreq} Hz must be in [0, Nyquist ${nyquist} Hz)`);
  if (!(high > 0 && high <= nyquist)) {
    throw new FbankOptionError('highFreq', `${o.highFreq} Hz resolves to ${high} Hz, outside (0, Nyquist ${nyquist} Hz]; values <= 0 are offsets from Nyquist`);
  }
  if (!(o.lowFreq < high)) throw new FbankOptionError('lowFreq', `${o.lowFreq} Hz must be below highFreq (${high} Hz)`);
  if (o.vtlnWarp <= 0) throw new FbankOptionError('vtlnWarp', `must be > 0, got ${o.vtlnWarp}`);
  if (o.vtlnWarp !== 1) {
    const vHigh = o.vtlnHigh < 0 ? o.vtlnHigh + nyquist : o.vtlnHigh;
    if (!(o.lowFreq < o.vtlnLow && o.vtlnLow < high)) throw new FbankOptionError('vtlnLow', `${o.vtlnLow} Hz must lie in (lowFreq ${o.lowFreq}, highFreq ${high})`);
    if (!(vHigh > 0 && vHigh < high && o.vtlnLow < vHigh)) {
      throw new FbankOptionError('vtlnHigh', `${o.vtlnHigh} Hz resolves to ${vHigh} Hz; must lie in (vtlnLow ${o.vtlnLow}, highFreq ${high})`);
    }
    const l = o.vtlnLow * Math.max(1, o.vtlnWarp);
    const h = vHigh * Math.min(1, o.vtlnWarp);
    if (!(l > o.lowFreq && h < high)) throw new FbankOptionError('vtlnWarp', `${o.vtlnWarp} moves the VTLN inflection points outside (lowFreq, highFreq)`);
  }
  return { ...o, windowSize, windowShift, paddedWindowSize, resolvedHighFreq: high };
}
