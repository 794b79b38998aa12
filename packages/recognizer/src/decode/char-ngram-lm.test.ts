import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeChars } from '@speechkd/text-encoders/chars';
import { DecodeError } from './decode-error.js';
import { CharNgramLm } from './char-ngram-lm.js';

interface GoldenCase {
  order: number;
  discount: number;
  queries: Array<{ prefix: string; next: string; logProb: number | null }>;
}
const golden = JSON.parse(readFileSync(new URL('../../test/golden/char-lm-nltk.json', import.meta.url), 'utf8')) as { train: string[]; cases: GoldenCase[] };

const ids = (s: string): number[] => Array.from(encodeChars(s));
const symbolOf = (c: string): number => (c === '</s>' ? CharNgramLm.END : c === ' ' ? 1 : ids(c)[0]);

describe('CharNgramLm', () => {
  it("equals NLTK's KneserNeyInterpolated on every held-out position (orders 2-8; scripts/make-char-lm-golden.py)", () => {
    for (const c of golden.cases) {
      const lm = CharNgramLm.train(golden.train, { order: c.order, discount: c.discount });
      let unseen = 0;
      for (const q of c.queries) {
        // Spaces are kept as they are: the prefix is a raw transcript slice, trailing spaces included.
        const prefix = Array.from(q.prefix, symbolOf);
        const got = lm.logProb(prefix, symbolOf(q.next));
        if (q.logProb === null) {
          unseen++;
          expect(got, `order ${c.order} ${JSON.stringify(q)}`).toBe(-Infinity);
        } else {
          expect(Math.abs(got - q.logProb), `order ${c.order} ${JSON.stringify(q)} got ${got}`).toBeLessThan(1e-9);
        }
      }
      expect(unseen).toBeGreaterThan(0); // 'Q'/'Z'/'X' are not in the training text
      expect(c.queries.length).toBeGreaterThan(300);
    }
  });

  it('gives its own text a lower perplexity than reversed text, and higher orders fit it closer', () => {
    const lm3 = CharNgramLm.train(golden.train, { order: 3 });
    const lm6 = CharNgramLm.train(golden.train, { order: 6 });
    const reversed = golden.train.map((s) => [...s].reverse().join(''));
    expect(lm3.perplexity(golden.train)).toBeLessThan(lm3.perplexity(reversed));
    expect(lm6.perplexity(golden.train)).toBeLessThan(lm3.perplexity(golden.train));
    expect(lm6.sentences).toBe(golden.train.length);
    expect(lm3.perplexity(golden.train)).toBeGreaterThan(1);
  });

  it("round-trips through toJSON/fromJSON (a model folder's lm.json) with the same probabilities", () => {
    const lm = CharNgramLm.train(golden.train, { order: 5 });
    const back = CharNgramLm.fromJSON(JSON.parse(JSON.stringify(lm.toJSON())), 'lm.json');
    expect(back.order).toBe(5);
    expect(back.sentences).toBe(lm.sentences);
    for (const s of golden.train.slice(0, 5)) expect(back.sentenceLogProb(s)).toBe(lm.sentenceLogProb(s));
    expect(back.sentenceLogProb('QUIZ')).toBe(lm.sentenceLogProb('QUIZ'));
    expect(() => CharNgramLm.fromJSON({ format: 'other' }, 'x/lm.json')).toThrow(/x\/lm\.json: not a character n-gram LM/);
    expect(() => CharNgramLm.fromJSON({ ...lm.toJSON(), counts: [] }, 'lm.json')).toThrow(DecodeError);
  });

  it('scorer adds weight * log P + bonus per label', () => {
    const lm = CharNgramLm.train(golden.train, { order: 4 });
    const prefix = ids('THE');
    const score = lm.scorer({ weight: 0.5, bonus: 2 });
    expect(score(prefix, 1)).toBeCloseTo(0.5 * lm.logProb(prefix, 1) + 2, 12);
    expect(lm.scorer({ weight: 0, bonus: 0 })(prefix, 5)).toBe(0);
  });

  it('rejects bad options and symbols with typed errors', () => {
    expect(() => CharNgramLm.train(['A B'], { order: 1 })).toThrow(/option 'order' = 1 must be an integer in \[2, 12\]/);
    expect(() => CharNgramLm.train(['A B'], { discount: 1 })).toThrow(DecodeError);
    expect(() => CharNgramLm.train(['', '123'])).toThrow(/no non-empty sentence/);
    const lm = CharNgramLm.train(['A B']);
    expect(() => lm.logProb([], 0)).toThrow(/symbol 0 is not a label id/);
    expect(() => lm.scorer({ weight: -1, bonus: 0 })).toThrow(/'weight' = -1/);
    expect(() => lm.scorer({ weight: 1, bonus: Number.NaN })).toThrow(/'bonus' = NaN/);
  });
});
