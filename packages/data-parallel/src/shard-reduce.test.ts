import { describe, expect, it } from 'vitest';
import { reduceRange, shardRange } from './shard-reduce.js';

const vec = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * (k + 1) * 1e-3);

describe('shardRange', () => {
  it('covers the vector with contiguous, disjoint ranges', () => {
    for (const [n, parts] of [[10, 3], [7, 7], [3, 5], [1_000_003, 8]]) {
      let next = 0;
      for (let p = 0; p < parts; p++) {
        const [lo, hi] = shardRange(n, parts, p);
        expect(lo).toBe(next);
        expect(hi).toBeGreaterThanOrEqual(lo);
        next = hi;
      }
      expect(next).toBe(n);
    }
    expect(() => shardRange(10, 2, 2)).toThrow(/part must be an integer in \[0, 2\)/);
  });
});

describe('reduceRange', () => {
  for (const k of [2, 3, 5]) {
    it(`adds ${k} slots left to right in float32, whatever the split, and returns the sum of squares`, () => {
      const n = 1001;
      const slots = Array.from({ length: k }, (_, j) => vec(n, j));
      const want = new Float32Array(n);
      let sq = 0;
      for (let i = 0; i < n; i++) {
        let x = slots[0][i];
        for (let j = 1; j < k; j++) x = Math.fround(x + slots[j][i]);
        want[i] = x;
        sq += x * x;
      }
      for (const parts of [1, 2, 3]) {
        const copy = slots.map((s) => s.slice());
        let total = 0;
        for (let p = 0; p < parts; p++) total += reduceRange(copy, ...shardRange(n, parts, p));
        expect(copy[0]).toEqual(want);
        expect(copy.slice(1)).toEqual(slots.slice(1)); // the other slots are only read
        expect(total).toBeCloseTo(sq, 12);
      }
    });
  }

  it('refuses a range past a slot', () => {
    expect(() => reduceRange([new Float32Array(4), new Float32Array(3)], 0, 4)).toThrow(/a slot has 3 values, the range ends at 4/);
  });
});
