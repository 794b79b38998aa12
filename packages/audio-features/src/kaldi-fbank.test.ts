import { describe, expect, it } from 'vitest';
import { AudioInputError, FbankOptionError } from './errors.js';
import { FBANK_DEFAULTS, resolveFbankOptions } from './fbank-options.js';
import type { FbankOptions } from './fbank-options.js';
import { kaldiFbank, numFbankFrames } from './kaldi-fbank.js';
import { melBanks } from './mel-banks.js';
import { createRng } from './random.js';

function noise(n: number, seed: number, scale = 1000): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * rng.gaussian());
}

describe('kaldiFbank', () => {
  it('defaults are torchaudio defaults: 23 bins, 25/10 ms, snipEdges frame count', () => {
    const y = kaldiFbank(noise(16000, 1));
    expect([y.numFrames, y.numBins]).toEqual([98, 23]);
    expect(y.data.length).toBe(98 * 23);
    expect(FBANK_DEFAULTS.windowType).toBe('povey');
    expect(numFbankFrames(16000, 400, 160, false)).toBe(100);
    expect(kaldiFbank(noise(16000, 1), { snipEdges: false, numMelBins: 80 }).numFrames).toBe(100);
  });

  it('linear in length: a long input gives the same rows as its prefix', () => {
    const x = noise(16000 * 5, 2);
    const long = kaldiFbank(x, { numMelBins: 80 });
    const short = kaldiFbank(x.subarray(0, 16000), { numMelBins: 80 });
    expect(long.data.subarray(0, short.data.length)).toEqual(short.data);
  });

  it('dither is seeded: same seed same output, different seeds differ; the noise power matches theory', () => {
    const x = new Float32Array(8000); // digital silence: only dither reaches the filterbank
    const a = kaldiFbank(x, { dither: 1, seed: 3, numMelBins: 40 });
    expect(kaldiFbank(x, { dither: 1, seed: 3, numMelBins: 40 }).data).toEqual(a.data);
    expect(kaldiFbank(x, { dither: 1, seed: 4, numMelBins: 40 }).data).not.toEqual(a.data);
    // Rectangular window, no pre-emphasis/DC removal: unit-variance white noise has E|X_k|² = windowSize
    // in every FFT bin, so filter b's expected output is windowSize · (sum of its weights).
    const opts: FbankOptions = { dither: 1, seed: 5, numMelBins: 40, useLogFbank: false, preemphasisCoefficient: 0, removeDcOffset: false, windowType: 'rectangular' };
    const y = kaldiFbank(new Float32Array(48000), opts);
    const banks = melBanks(40, 512, 16000, 20, 8000, 100, -500, 1);
    let ratio = 0;
    for (let b = 0; b < 40; b++) {
      let mean = 0;
      for (let f = 0; f < y.numFrames; f++) mean += y.data[f * 40 + b] / y.numFrames;
      ratio += mean / (400 * banks.weights[b].reduce((s, w) => s + w, 0)) / 40;
    }
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
  });

  it('subtractMean gives zero column means; useEnergy adds a first column (last with htkCompat)', () => {
    const x = noise(8000, 6);
    const y = kaldiFbank(x, { subtractMean: true, numMelBins: 10 });
    for (let b = 0; b < 10; b++) {
      let s = 0;
      for (let f = 0; f < y.numFrames; f++) s += y.data[f * 10 + b];
      expect(Math.abs(s / y.numFrames)).toBeLessThan(1e-4);
    }
    const e = kaldiFbank(x, { useEnergy: true, numMelBins: 10 });
    const h = kaldiFbank(x, { useEnergy: true, htkCompat: true, numMelBins: 10 });
    expect(e.numBins).toBe(11);
    expect(e.data[0]).toBe(h.data[10]);
    expect(e.data[1]).toBe(h.data[0]);
  });

  it('minDuration: shorter input gives zero frames', () => {
    const y = kaldiFbank(noise(8000, 7), { minDuration: 1 });
    expect([y.numFrames, y.data.length]).toEqual([0, 0]);
  });
});

describe('kaldiFbank bad input', () => {
  it('audio shorter than one frame', () => {
    expect(() => kaldiFbank(noise(399, 1))).toThrow(AudioInputError);
    expect(() => kaldiFbank(new Float32Array(0))).toThrow(/0 samples is shorter than one frame \(400 samples = 25 ms at 16000 Hz\)/);
  });
  it('NaN / Inf samples', () => {
    const x = noise(1000, 1);
    x[500] = Number.NaN;
    expect(() => kaldiFbank(x)).toThrow(/sample 500 is NaN/);
    x[500] = Number.NEGATIVE_INFINITY;
    expect(() => kaldiFbank(x)).toThrow(AudioInputError);
  });
  const bad: [FbankOptions, RegExp][] = [
    [{ frameShift: -10 }, /option frameShift: must be > 0 ms, got -10/],
    [{ frameShift: 0.01 }, /frameShift: 0.01 ms is less than one sample/],
    [{ frameLength: 0 }, /frameLength: must be > 0/],
    [{ numMelBins: 0 }, /numMelBins: must be an integer > 3, got 0/],
    [{ numMelBins: 40.5 }, /numMelBins/],
    [{ highFreq: 9000 }, /highFreq: 9000 Hz resolves to 9000 Hz, outside \(0, Nyquist 8000 Hz\]/],
    [{ highFreq: -8000 }, /highFreq/],
    [{ lowFreq: 8000 }, /lowFreq/],
    [{ lowFreq: 5000, highFreq: 4000 }, /lowFreq: 5000 Hz must be below highFreq/],
    [{ windowType: 'kaiser' as unknown as 'povey' }, /windowType: unknown window 'kaiser'/],
    [{ preemphasisCoefficient: 1.5 }, /preemphasisCoefficient: must be in \[0, 1\]/],
    [{ sampleFrequency: 0 }, /sampleFrequency: must be > 0/],
    [{ dither: -1 }, /dither: must be >= 0/],
    [{ energyFloor: Number.NaN }, /energyFloor: must be a finite number/],
    [{ snipEdges: 'yes' as unknown as boolean }, /snipEdges: must be a boolean/],
    [{ roundToPowerOfTwo: false, frameLength: 25.0625 }, /frameLength: window of 401 samples is odd/],
    [{ vtlnWarp: 0.9, vtlnLow: 10 }, /vtlnLow/],
    [{ vtlnWarp: 1.2, vtlnHigh: 8100 }, /vtlnHigh: 8100 Hz resolves to 8100 Hz/],
    [{ num_mel_bins: 80 } as unknown as FbankOptions, /option num_mel_bins: unknown option/],
  ];
  for (const [options, message] of bad) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      expect(() => resolveFbankOptions(options)).toThrow(FbankOptionError);
      expect(() => kaldiFbank(noise(1000, 1), options)).toThrow(message);
    });
  }
});
