import { AudioInputError } from './errors.js';
import { resolveFbankOptions } from './fbank-options.js';
import type { FbankOptions, ResolvedFbankOptions } from './fbank-options.js';
import { featureWindow } from './feature-window.js';
import { melBanks } from './mel-banks.js';
import { createRng } from './random.js';
import { RealFft } from './real-fft.js';

/** A row-major feature matrix `[numFrames, numBins]`. */
export interface FeatureMatrix {
  data: Float32Array;
  numFrames: number;
  numBins: number;
}

/** float32 machine epsilon, the floor torchaudio applies before every log. */
const EPSILON = 1.1920928955078125e-7;

/** Number of frames `kaldiFbank` produces for `numSamples` (Kaldi's NumFrames). */
export function numFbankFrames(numSamples: number, windowSize: number, windowShift: number, snipEdges: boolean): number {
  if (snipEdges) return numSamples < windowSize ? 0 : 1 + Math.floor((numSamples - windowSize) / windowShift);
  return Math.floor((numSamples + Math.floor(windowShift / 2)) / windowShift);
}

/**
 * A reusable Kaldi fbank extractor for fixed options: window, mel filters and FFT are built once and
 * `compute` allocates only its output. Results match torchaudio.compliance.kaldi.fbank.
 */
export class FbankExtractor {
  /** The validated options with derived sizes. */
  readonly options: ResolvedFbankOptions;
  /** Output columns: numMelBins (+1 with useEnergy). */
  readonly numBins: number;
  private readonly window: Float64Array;
  private readonly melStart: Int32Array;
  private readonly melEnd: Int32Array;
  private readonly melFirstBin: Int32Array;
  private readonly melWeights: Float64Array;
  private readonly fft: RealFft;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;

  constructor(options: FbankOptions = {}) {
    const o = resolveFbankOptions(options);
    this.options = o;
    this.numBins = o.numMelBins + (o.useEnergy ? 1 : 0);
    this.window = featureWindow(o.windowType, o.windowSize, o.blackmanCoeff);
    const banks = melBanks(o.numMelBins, o.paddedWindowSize, o.sampleFrequency, o.lowFreq, o.resolvedHighFreq, o.vtlnLow, o.vtlnHigh, o.vtlnWarp);
    // Flattened sparse filters: filter b uses melWeights[melStart[b]..melEnd[b]) on bins from melFirstBin[b].
    this.melStart = new Int32Array(o.numMelBins);
    this.melEnd = new Int32Array(o.numMelBins);
    this.melFirstBin = Int32Array.from(banks.start);
    this.melWeights = new Float64Array(banks.weights.reduce((t, w) => t + w.length, 0));
    let offset = 0;
    banks.weights.forEach((w, b) => {
      this.melStart[b] = offset;
      this.melWeights.set(w, offset);
      offset += w.length;
      this.melEnd[b] = offset;
    });
    this.fft = new RealFft(o.paddedWindowSize);
    this.frame = new Float64Array(o.paddedWindowSize);
    this.spectrum = new Float64Array(this.fft.numBins);
  }

  /** Features of int16-scaled mono `samples` (no implicit scaling): `[numFrames, numBins]`. */
  compute(samples: Float32Array | Float64Array): FeatureMatrix {
    const o = this.options;
    const n = samples.length;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(samples[i])) throw new AudioInputError(`kaldiFbank: sample ${i} is ${samples[i]}; input must be finite`);
    }
    if (n < o.windowSize) {
      throw new AudioInputError(
        `kaldiFbank: audio of ${n} samples is shorter than one frame (${o.windowSize} samples = ${o.frameLength} ms at ${o.sampleFrequency} Hz)`,
      );
    }
    const numBins = this.numBins;
    if (n < o.minDuration * o.sampleFrequency) return { data: new Float32Array(0), numFrames: 0, numBins };
    const numFrames = numFbankFrames(n, o.windowSize, o.windowShift, o.snipEdges);
    const out = new Float32Array(numFrames * numBins);
    const size = o.windowSize;
    const shift = o.windowShift;
    const frame = this.frame;
    const window = this.window;
    const spectrum = this.spectrum;
    const melStart = this.melStart;
    const melEnd = this.melEnd;
    const melFirstBin = this.melFirstBin;
    const melWeights = this.melWeights;
    const numMel = o.numMelBins;
    const rng = o.dither !== 0 ? createRng(o.seed) : undefined;
    const dither = o.dither;
    const logFloor = o.energyFloor !== 0 ? Math.log(o.energyFloor) : -Infinity;
    const pre = o.preemphasisCoefficient;
    const removeDc = o.removeDcOffset;
    const useLog = o.useLogFbank;
    const magnitude = !o.usePower;
    const melOffset = o.useEnergy && !o.htkCompat ? 1 : 0;
    const energyCol = o.useEnergy ? (o.htkCompat ? numMel : 0) : -1;
    const rawEnergy = energyCol >= 0 && o.rawEnergy;
    const windowedEnergy = energyCol >= 0 && !o.rawEnergy;
    // Without snipEdges, frame f starts at f*shift - pad and indices reflect Kaldi-style at both ends.
    const pad = o.snipEdges ? 0 : Math.floor(size / 2) - Math.floor(shift / 2);
    for (let f = 0; f < numFrames; f++) {
      const first = f * shift - pad;
      let sum = 0;
      if (first >= 0 && first + size <= n) {
        // Two accumulators: the add latency chain, not the loads, bounds this loop.
        let sum2 = 0;
        let j = 0;
        for (; j + 1 < size; j += 2) {
          const v = samples[first + j];
          const w = samples[first + j + 1];
          frame[j] = v;
          frame[j + 1] = w;
          sum += v;
          sum2 += w;
        }
        if (j < size) {
          const v = samples[first + j];
          frame[j] = v;
          sum += v;
        }
        sum += sum2;
      } else {
        for (let j = 0; j < size; j++) {
          let s = first + j;
          while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
          const v = samples[s];
          frame[j] = v;
          sum += v;
        }
      }
      if (rng) {
        sum = 0;
        for (let j = 0; j < size; j++) {
          const v = frame[j] + rng.gaussian() * dither;
          frame[j] = v;
          sum += v;
        }
      }
      const mean = removeDc ? sum / size : 0;
      let energy = 0;
      if (rawEnergy) {
        for (let j = 0; j < size; j++) {
          const v = frame[j] - mean;
          energy += v * v;
        }
      }
      // DC removal, pre-emphasis and window in one forward pass (prev holds the un-emphasized sample).
      let prev = frame[0] - mean;
      frame[0] = (prev - pre * prev) * window[0];
      for (let j = 1; j < size; j++) {
        const cur = frame[j] - mean;
        frame[j] = (cur - pre * prev) * window[j];
        prev = cur;
      }
      if (windowedEnergy) for (let j = 0; j < size; j++) energy += frame[j] * frame[j];
      this.fft.power(frame, spectrum, magnitude);
      const row = f * numBins + melOffset;
      for (let b = 0; b < numMel; b++) {
        let acc = 0;
        const end = melEnd[b];
        for (let k = melStart[b], s = melFirstBin[b]; k < end; k++, s++) acc += melWeights[k] * spectrum[s];
        out[row + b] = useLog ? Math.log(acc > EPSILON ? acc : EPSILON) : acc;
      }
      if (energyCol >= 0) {
        const logE = Math.log(energy > EPSILON ? energy : EPSILON);
        out[f * numBins + energyCol] = logE > logFloor ? logE : logFloor;
      }
    }
    if (o.subtractMean) subtractColumnMeans(out, numFrames, numBins);
    return { data: out, numFrames, numBins };
  }
}

/** Subtracts each column's mean over frames, in place. */
export function subtractColumnMeans(data: Float32Array, numFrames: number, numBins: number): void {
  if (numFrames === 0) return;
  const mean = new Float64Array(numBins);
  for (let f = 0; f < numFrames; f++) for (let b = 0; b < numBins; b++) mean[b] += data[f * numBins + b];
  for (let b = 0; b < numBins; b++) mean[b] /= numFrames;
  for (let f = 0; f < numFrames; f++) for (let b = 0; b < numBins; b++) data[f * numBins + b] -= mean[b];
}

const cache = new Map<string, FbankExtractor>();

/**
 * Kaldi-compatible log mel filterbank of int16-scaled mono samples, `[numFrames, numBins]` row-major,
 * matching torchaudio.compliance.kaldi.fbank (options in camelCase, same defaults: 23 bins, povey).
 */
export function kaldiFbank(samples: Float32Array | Float64Array, options: FbankOptions = {}): FeatureMatrix {
  const key = JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1)));
  let extractor = cache.get(key);
  if (!extractor) {
    extractor = new FbankExtractor(options);
    if (cache.size >= 16) cache.delete(cache.keys().next().value as string);
    cache.set(key, extractor);
  }
  return extractor.compute(samples);
}
