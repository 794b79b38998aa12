import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16 } from '../src/index.js';

const bits = (x: number[]): number[] => Array.from(float32ToFloat16(Float32Array.from(x)));

describe('float16', () => {
  it('encodes known bit patterns (round to nearest even)', () => {
    expect(bits([1, -2, 65504, 2 ** -24, 2 ** -14, 0.1, 0, -0])).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x2e66, 0, 0x8000]);
    expect(bits([1 + 2 ** -11, 1 + 3 * 2 ** -11])).toEqual([0x3c00, 0x3c02]); // ties go to even
    expect(bits([65520, -1e9, Infinity])).toEqual([0x7c00, 0xfc00, 0x7c00]); // overflow -> Inf
    expect(bits([2 ** -26, 2 ** -25, 3 * 2 ** -26])).toEqual([0, 0, 1]);
    expect(Number.isNaN(float16ToFloat32(float32ToFloat16(Float32Array.of(NaN)))[0])).toBe(true);
  });

  it('round-trips every half exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let i = 0; i < 65536; i++) {
      const nan = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (!nan && back[i] !== i) throw new Error(`half 0x${i.toString(16)} came back as 0x${back[i].toString(16)}`);
    }
  });

  it('keeps relative error <= 2^-11 in the normal range and absolute <= 2^-25 below it', () => {
    let s = 12345;
    const x = Float32Array.from({ length: 20000 }, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return ((s / 2 ** 32) * 2 - 1) * 10 ** ((s % 13) - 8); // 1e-8 .. 1e4
    });
    const y = float16ToFloat32(float32ToFloat16(x));
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]);
      const bound = a >= 2 ** -14 ? a * 2 ** -11 : 2 ** -25;
      expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(bound);
    }
  });
});
