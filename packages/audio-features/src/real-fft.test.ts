import { describe, expect, it } from 'vitest';
import { ComplexFft } from './complex-fft.js';
import { createRng } from './random.js';
import { RealFft } from './real-fft.js';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array((n >> 1) + 1);
  const im = new Float64Array((n >> 1) + 1);
  for (let k = 0; k <= n >> 1; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      re[k] += x[j] * Math.cos(a);
      im[k] += x[j] * Math.sin(a);
    }
  }
  return { re, im };
}

describe('RealFft', () => {
  const rng = createRng(7);
  for (const n of [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 6, 10, 200, 400]) {
    it(`size ${n} matches a naive DFT (${(n & (n - 1)) === 0 ? 'split radix-2' : 'Bluestein'})`, () => {
      const x = new Float64Array(n).map(() => rng.gaussian() * 1000);
      const fft = new RealFft(n);
      const re = new Float64Array(fft.numBins);
      const im = new Float64Array(fft.numBins);
      fft.forward(x, re, im);
      const ref = naiveDft(x);
      const scale = 1000 * Math.sqrt(n);
      for (let k = 0; k < fft.numBins; k++) {
        expect(Math.abs(re[k] - ref.re[k])).toBeLessThan(1e-9 * scale);
        expect(Math.abs(im[k] - ref.im[k])).toBeLessThan(1e-9 * scale);
      }
      const power = new Float64Array(fft.numBins);
      fft.power(x, power);
      for (let k = 0; k < fft.numBins; k++) expect(power[k]).toBeCloseTo(ref.re[k] ** 2 + ref.im[k] ** 2, -2);
      fft.power(x, power, true);
      for (let k = 0; k < fft.numBins; k++) expect(power[k]).toBeCloseTo(Math.hypot(ref.re[k], ref.im[k]), 3);
    });
  }

  it('throws on sizes below 2', () => {
    expect(() => new RealFft(1)).toThrow(RangeError);
    expect(() => new ComplexFft(12)).toThrow(/power of two/);
  });
});
