import { describe, expect, it } from 'vitest';
import { Aligner, alignWords } from '../src/index.js';
import { minimalSplits } from './brute-force.js';
import { mulberry32 } from '@speechkd/random';


describe('Aligner', () => {
  it('counts identical, empty and one-sided inputs', () => {
    const a = new Aligner();
    expect(a.count([1, 2, 3], [1, 2, 3])).toEqual({ hits: 3, substitutions: 0, deletions: 0, insertions: 0 });
    expect(a.count([], [])).toEqual({ hits: 0, substitutions: 0, deletions: 0, insertions: 0 });
    expect(a.count([1, 2], [])).toEqual({ hits: 0, substitutions: 0, deletions: 2, insertions: 0 });
    expect(a.count([], [5, 6, 7])).toEqual({ hits: 0, substitutions: 0, deletions: 0, insertions: 3 });
  });

  it('matches Kaldi/jiwer textbook examples', () => {
    // jiwer docs: "hello world" vs "hello duck" -> 1 substitution.
    expect(alignWords(['hello', 'world'], ['hello', 'duck']).counts).toEqual({ hits: 1, substitutions: 1, deletions: 0, insertions: 0 });
    // Kaldi compute-wer on "a b c d" vs "a c d e": %WER 50.00 [ 2 / 4, 1 ins, 1 del, 0 sub ].
    expect(alignWords(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e']).counts).toEqual({ hits: 3, substitutions: 0, deletions: 1, insertions: 1 });
  });

  it('returns aligned pairs in utterance order', () => {
    const { pairs } = alignWords(['the', 'cat', 'sat'], ['a', 'cat', 'sat', 'down']);
    expect(pairs).toEqual([
      { op: 'S', ref: 'the', hyp: 'a' },
      { op: 'C', ref: 'cat', hyp: 'cat' },
      { op: 'C', ref: 'sat', hyp: 'sat' },
      { op: 'I', ref: null, hyp: 'down' },
    ]);
  });

  it('tie rule: fewest substitutions (most hits) among minimal alignments', () => {
    // "a b" vs "c a": S,S or I(c) C(a) D(b) are both minimal (2 edits); the rule keeps the hit.
    expect(alignWords(['a', 'b'], ['c', 'a']).pairs.map((p) => p.op).join('')).toBe('ICD');
  });

  it('tie rule: then correct, substitution, deletion, insertion, traced from the end', () => {
    // "a" vs "b b": S+I in either order; traced from the end, the last pair is taken as a substitution.
    expect(alignWords(['a'], ['b', 'c']).pairs.map((p) => p.op).join('')).toBe('IS');
    expect(alignWords(['a', 'b'], ['c']).pairs.map((p) => p.op).join('')).toBe('DS');
  });

  it('equals the exhaustive minimum on 3000 random short pairs, and its unique split when there is one', () => {
    const rnd = mulberry32(7);
    const aligner = new Aligner();
    let uniqueChecked = 0;
    for (let t = 0; t < 3000; t++) {
      const alpha = 2 + Math.floor(rnd() * 3);
      const ref = Array.from({ length: Math.floor(rnd() * 7) }, () => String(Math.floor(rnd() * alpha)));
      const hyp = Array.from({ length: Math.floor(rnd() * 7) }, () => String(Math.floor(rnd() * alpha)));
      const c = aligner.count(ref.map(Number), hyp.map(Number));
      const { min, splits } = minimalSplits(ref, hyp);
      expect(c.substitutions + c.deletions + c.insertions).toBe(min);
      expect(c.hits + c.substitutions + c.deletions).toBe(ref.length);
      expect(c.hits + c.substitutions + c.insertions).toBe(hyp.length);
      expect(splits.some((s) => s.s === c.substitutions && s.d === c.deletions && s.i === c.insertions)).toBe(true);
      expect(c.substitutions).toBe(Math.min(...splits.map((s) => s.s)));
      expect(aligner.align(ref.map(Number), hyp.map(Number)).counts).toEqual(c); // prefix/suffix trimming changes nothing
      if (splits.length === 1) {
        uniqueChecked++;
        expect([c.substitutions, c.deletions, c.insertions]).toEqual([splits[0].s, splits[0].d, splits[0].i]);
      }
    }
    expect(uniqueChecked).toBeGreaterThan(1000);
  });

  it('switches to exact Float64 costs for very long inputs', () => {
    const ref = new Int32Array(50_000).fill(1);
    expect(new Aligner().count(ref, [1, 2])).toEqual({ hits: 1, substitutions: 1, deletions: 49_998, insertions: 0 });
  });

  it('reuses its buffer across sizes (large then small then large)', () => {
    const a = new Aligner();
    const big = Array.from({ length: 300 }, (_, i) => i % 17);
    const big2 = Array.from({ length: 280 }, (_, i) => (i * 3) % 17);
    const first = a.distance(big, big2);
    expect(a.count([1], [2])).toEqual({ hits: 0, substitutions: 1, deletions: 0, insertions: 0 });
    expect(a.distance(big, big2)).toBe(first);
    expect(new Aligner().distance(big, big2)).toBe(first);
  });
});
