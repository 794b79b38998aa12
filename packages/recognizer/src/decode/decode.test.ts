import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@speechkd/random';
import { DecodeError, collapseCtc, greedyDecode, prefixBeamSearch, prefixBeamSearchBatch } from './index.js';
import type { FrameScores } from './index.js';

/** Row-major scores from nested arrays ([time][vocab] or [batch][time][vocab]). */
function scores(rows: number[][] | number[][][]): FrameScores {
  const dims = Array.isArray(rows[0][0]) ? [rows.length, rows[0].length, (rows[0][0] as number[]).length] : [rows.length, (rows[0] as number[]).length];
  return { data: Float32Array.from((rows as number[][]).flat(2) as number[]), dims };
}

/** Exact posterior of every label sequence by enumerating all vocab^time paths (tiny inputs only). */
function bruteForce(probs: number[][], blank: number): Map<string, number> {
  const time = probs.length;
  const vocab = probs[0].length;
  const out = new Map<string, number>();
  const path = new Array<number>(time).fill(0);
  for (let k = 0; k < vocab ** time; k++) {
    let p = 1;
    for (let t = 0, r = k; t < time; t++, r = Math.floor(r / vocab)) {
      path[t] = r % vocab;
      p *= probs[t][path[t]];
    }
    const key = collapseCtc(path, blank).join(',');
    out.set(key, (out.get(key) ?? 0) + p);
  }
  return out;
}

function randomProbs(r: () => number, time: number, vocab: number, peak = 1): number[][] {
  return Array.from({ length: time }, () => {
    const row = Array.from({ length: vocab }, () => Math.exp(peak * (r() * 4 - 2)));
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
}

describe('greedyDecode', () => {
  it('collapses repeats, drops blanks and respects lengths - hand-made frames', () => {
    // Frame argmaxes: [1 1 0 1 2 2 0 0] and [3 0 3 3 0 2 | 1 1] (last two frames past the length).
    const ids = [
      [1, 1, 0, 1, 2, 2, 0, 0],
      [3, 0, 3, 3, 0, 2, 1, 1],
    ];
    const oneHot = scores(ids.map((u) => u.map((id) => [0, 1, 2, 3].map((k) => (k === id ? 4 : -1)))));
    expect(greedyDecode(oneHot, [8, 6])).toEqual([[1, 1, 2], [3, 3, 2]]);
  });

  it('uses a non-zero blank', () => {
    expect(collapseCtc([2, 2, 0, 2, 1, 1, 2], 2)).toEqual([0, 1]);
  });

  it('takes the first class on ties (as tf.argMax)', () => {
    expect(greedyDecode(scores([[[0, 2, 2], [2, 2, 0]]]), [2])).toEqual([[1]]);
  });

  it('throws DecodeError naming the argument', () => {
    const x = { data: new Float32Array(12), dims: [1, 4, 3] };
    expect(() => greedyDecode(x, [5])).toThrow(DecodeError);
    expect(() => greedyDecode(x, [5])).toThrow(/greedyDecode: argument 'lengths'\[0\] = 5/);
    expect(() => greedyDecode({ data: new Float32Array(12), dims: [4, 3] }, [4])).toThrow(/greedyDecode: argument 'scores' must have rank 3/);
    expect(() => greedyDecode({ data: new Float32Array(11), dims: [1, 4, 3] }, [4])).toThrow(/has 11 values but dims \[1, 4, 3\] need 12/);
  });
});

describe('prefixBeamSearch', () => {
  it('beamSize 1 equals greedy decoding on peaky inputs', () => {
    const r = mulberry32(11);
    for (let trial = 0; trial < 5; trial++) {
      const probs = randomProbs(r, 30, 6, 4);
      const lp = scores(probs.map((row) => row.map(Math.log)));
      const greedy = greedyDecode({ data: lp.data, dims: [1, ...lp.dims] }, [30]);
      const [best] = prefixBeamSearch(lp, 30, { beamSize: 1 });
      expect(best.labels).toEqual(greedy[0]);
    }
  });

  it('finds the more probable label sequence where greedy decoding does not', () => {
    // Each frame: blank 0.6, "1" 0.4. Greedy reads "" (p = 0.36) but "1" has p = 0.16 + 0.24 + 0.24 = 0.64.
    const lp = scores([[Math.log(0.6), Math.log(0.4)], [Math.log(0.6), Math.log(0.4)]]);
    const greedy = greedyDecode({ data: lp.data, dims: [1, 2, 2] }, [2]);
    expect(greedy[0]).toEqual([]);
    const hyps = prefixBeamSearch(lp, undefined, { beamSize: 4 });
    expect(hyps[0].labels).toEqual([1]);
    expect(Math.exp(hyps[0].logProb)).toBeCloseTo(0.64, 6);
    expect(hyps[1].labels).toEqual([]);
    expect(Math.exp(hyps[1].logProb)).toBeCloseTo(0.36, 6);
  });

  it('with a wide beam returns exact label posteriors - brute force over all paths', () => {
    const r = mulberry32(5);
    for (let trial = 0; trial < 4; trial++) {
      const time = 5;
      const vocab = 3;
      const blank = trial % vocab;
      const probs = randomProbs(r, time, vocab);
      const exact = bruteForce(probs, blank);
      const lp = scores(probs.map((row) => row.map(Math.log)));
      const hyps = prefixBeamSearch(lp, time, { beamSize: 1000, blank });
      expect(hyps.length).toBe(exact.size);
      for (const h of hyps) expect(Math.exp(h.logProb)).toBeCloseTo(exact.get(h.labels.join(','))!, 5);
      const bestExact = [...exact.entries()].sort((a, b) => b[1] - a[1])[0][0];
      expect(hyps[0].labels.join(',')).toBe(bestExact);
    }
  });

  it('applies a scorer once per extension and can change the winner', () => {
    const lp = scores([[Math.log(0.6), Math.log(0.4)], [Math.log(0.6), Math.log(0.4)]]);
    const calls: string[] = [];
    const hyps = prefixBeamSearch(lp, 2, {
      beamSize: 4,
      scorer: (prefix, next) => {
        calls.push(`${prefix.join(',')}+${next}`);
        return -5; // strongly discourage every label
      },
    });
    expect(hyps[0].labels).toEqual([]);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('batch search equals per-utterance search and honours lengths', () => {
    const r = mulberry32(3);
    const probs = [randomProbs(r, 8, 4), randomProbs(r, 8, 4)];
    const lp = scores(probs.map((u) => u.map((row) => row.map(Math.log))));
    const batch = prefixBeamSearchBatch(lp, [8, 5], { beamSize: 3 });
    const one = scores(probs[1].map((row) => row.map(Math.log)));
    expect(batch[1]).toEqual(prefixBeamSearch(one, 5, { beamSize: 3 }));
    expect(batch[0].length).toBe(3);
  });

  it('throws DecodeError for bad options', () => {
    const lp = { data: new Float32Array(6), dims: [3, 2] };
    expect(() => prefixBeamSearch(lp, 3, { beamSize: 0 })).toThrow(/prefixBeamSearch: option 'beamSize' = 0/);
    expect(() => prefixBeamSearch(lp, 4)).toThrow(/prefixBeamSearch: argument 'length'\[0\] = 4/);
    expect(() => prefixBeamSearch(lp, 3, { blank: 2 })).toThrow(DecodeError);
  });
});
