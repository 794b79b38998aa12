import { describe, expect, it } from 'vitest';
import { splitBatch } from './split-batch.js';

describe('splitBatch', () => {
  it('even items - two parts of equal cost', () => {
    expect(splitBatch([5, 5, 6, 6], 2)).toEqual([[0, 1], [2, 3]]);
  });
  it('odd items - the later slice takes the extra item only when that lowers the largest padded cost', () => {
    // [1 2] | [3 3 3]: max(2*2, 3*3) = 9 vs [1 2 3] | [3 3]: max(3*3, 2*3) = 9: tie goes to the later cut.
    expect(splitBatch([1, 2, 3, 3, 3], 2)).toEqual([[0, 1, 2], [3, 4]]);
    // One long utterance: it gets a slice of its own.
    expect(splitBatch([1, 1, 1, 1, 10], 2)).toEqual([[0, 1, 2, 3], [4]]);
  });
  it('more parts than items - one item per slice', () => {
    expect(splitBatch([3, 4], 4)).toEqual([[0], [1]]);
  });
  it('one part or one item - the whole batch', () => {
    expect(splitBatch([1, 2, 3], 1)).toEqual([[0, 1, 2]]);
    expect(splitBatch([7], 3)).toEqual([[0]]);
    expect(splitBatch([], 3)).toEqual([]);
  });
  it('slices are contiguous, non-empty and cover the batch', () => {
    const costs = [3, 9, 4, 4, 8, 1, 7, 7, 2, 5, 6];
    for (let parts = 1; parts <= 6; parts++) {
      const s = splitBatch(costs, parts);
      expect(s.length).toBe(parts);
      expect(s.flat()).toEqual(costs.map((_, i) => i));
      expect(s.every((x) => x.length > 0)).toBe(true);
    }
  });
  it('throws on a bad part count or cost', () => {
    expect(() => splitBatch([1], 0)).toThrow(/parts must be an integer >= 1/);
    expect(() => splitBatch([1, Number.NaN], 2)).toThrow(/costs must be numbers >= 0/);
  });
});
