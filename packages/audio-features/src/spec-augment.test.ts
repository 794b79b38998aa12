import { describe, expect, it } from 'vitest';
import { AugmentOptionError } from './errors.js';
import type { FeatureMatrix } from './kaldi-fbank.js';
import { specAugment } from './spec-augment.js';

function ramp(numFrames: number, numBins: number): FeatureMatrix {
  const data = new Float32Array(numFrames * numBins);
  for (let i = 0; i < data.length; i++) data[i] = 1 + (i % 97);
  return { data, numFrames, numBins };
}

const maskedRows = (m: FeatureMatrix): number[] => {
  const rows: number[] = [];
  for (let f = 0; f < m.numFrames; f++) if (m.data.subarray(f * m.numBins, (f + 1) * m.numBins).every((v) => v === 0)) rows.push(f);
  return rows;
};
const maskedCols = (m: FeatureMatrix): number[] => {
  const cols: number[] = [];
  for (let b = 0; b < m.numBins; b++) {
    let all = true;
    for (let f = 0; f < m.numFrames && all; f++) all = m.data[f * m.numBins + b] === 0;
    if (all) cols.push(b);
  }
  return cols;
};

describe('specAugment', () => {
  it('is deterministic per seed and differs across seeds; input untouched', () => {
    const x = ramp(200, 80);
    const copy = x.data.slice();
    const a = specAugment(x, { seed: 1, timeWarp: 5 });
    expect(specAugment(x, { seed: 1, timeWarp: 5 }).data).toEqual(a.data);
    expect(specAugment(x, { seed: 2, timeWarp: 5 }).data).not.toEqual(a.data);
    expect(x.data).toEqual(copy);
  });

  it('frequency masks: contiguous bins, width <= F, at most numFreqMasks masks', () => {
    for (let seed = 0; seed < 20; seed++) {
      const y = specAugment(ramp(50, 40), { seed, numTimeMasks: 0, numFreqMasks: 1, freqMaskWidth: 10 });
      const cols = maskedCols(y);
      expect(cols.length).toBeLessThanOrEqual(10);
      if (cols.length > 0) expect(cols[cols.length - 1] - cols[0]).toBe(cols.length - 1);
      expect(maskedRows(y)).toEqual([]);
    }
  });

  it('time masks respect timeMaskWidth and timeMaskMaxProportion', () => {
    let maxSeen = 0;
    for (let seed = 0; seed < 30; seed++) {
      const y = specAugment(ramp(100, 20), { seed, numFreqMasks: 0, numTimeMasks: 1, timeMaskWidth: 50, timeMaskMaxProportion: 0.2 });
      const rows = maskedRows(y);
      expect(rows.length).toBeLessThanOrEqual(20);
      maxSeen = Math.max(maxSeen, rows.length);
      expect(maskedCols(y)).toEqual([]);
    }
    expect(maxSeen).toBeGreaterThan(10);
  });

  it("maskValue 'mean' fills with the utterance mean; time warp keeps shape and endpoints", () => {
    const x = ramp(60, 10);
    const y = specAugment(x, { seed: 3, numTimeMasks: 0, maskValue: 'mean', freqMaskWidth: 10, numFreqMasks: 1 });
    const mean = x.data.reduce((s, v) => s + v, 0) / x.data.length;
    expect(Array.from(y.data).some((v) => Math.abs(v - mean) < 1e-4)).toBe(true);
    const w = specAugment(x, { seed: 4, numTimeMasks: 0, numFreqMasks: 0, timeWarp: 10 });
    expect([w.numFrames, w.numBins]).toEqual([60, 10]);
    expect(Array.from(w.data.subarray(0, 10))).toEqual(Array.from(x.data.subarray(0, 10)));
    expect(w.data).not.toEqual(x.data);
  });

  it('rejects bad options with AugmentOptionError', () => {
    expect(() => specAugment(ramp(10, 4), { numFreqMasks: -1 })).toThrow(AugmentOptionError);
    expect(() => specAugment(ramp(10, 4), { timeMaskMaxProportion: 1.5 })).toThrow(/timeMaskMaxProportion/);
    expect(() => specAugment({ data: new Float32Array(5), numFrames: 2, numBins: 3 })).toThrow(/expected 2\*3/);
  });
});
