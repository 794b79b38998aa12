import { describe, expect, it } from 'vitest';
import { ResampleError } from './errors.js';
import { createRng } from './random.js';
import { chooseSpeedFactor, SPEED_FACTORS, speedPerturb } from './speed-perturb.js';

describe('speedPerturb', () => {
  it('changes duration by 1/factor and pitch by factor', () => {
    const rate = 16000;
    const x = new Float32Array(rate).map((_, i) => Math.sin((2 * Math.PI * 500 * i) / rate));
    for (const factor of [0.9, 1.1]) {
      const y = speedPerturb(x, rate, factor);
      expect(y.length).toBe(Math.ceil(rate / factor - 1e-9));
      // Count zero crossings in the middle: frequency scales by `factor`.
      let zc = 0;
      for (let i = 2000; i < y.length - 2000; i++) if (y[i - 1] < 0 && y[i] >= 0) zc++;
      const freq = (zc * rate) / (y.length - 4000);
      expect(freq).toBeGreaterThan(500 * factor * 0.98);
      expect(freq).toBeLessThan(500 * factor * 1.02);
    }
    expect(speedPerturb(x, rate, 1)).toEqual(x);
  });

  it('chooseSpeedFactor is seeded and covers 0.9/1.0/1.1', () => {
    const pick = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 60 }, () => chooseSpeedFactor(rng));
    };
    expect(pick(5)).toEqual(pick(5));
    expect(new Set(pick(5))).toEqual(new Set(SPEED_FACTORS));
  });

  it('rejects bad factors', () => {
    expect(() => speedPerturb(new Float32Array(10), 16000, 0)).toThrow(ResampleError);
    expect(() => speedPerturb(new Float32Array(10), 16000, Number.NaN)).toThrow(/factor must be a positive number/);
    expect(() => chooseSpeedFactor(createRng(1), [])).toThrow(/empty/);
  });
});
