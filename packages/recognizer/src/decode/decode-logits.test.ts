import { describe, expect, it } from 'vitest';
import { encodeChars } from '@speechkd/text-encoders/chars';
import { CharNgramLm } from './char-ngram-lm.js';
import { decodeLogits } from './decode-logits.js';
import type { FrameScores } from './scores.js';

/** Logits [1, frames, 29] whose frames put `p` on a label (or spread it over two) and the rest on blank. */
function frames(spec: Array<Record<string, number>>): FrameScores {
  const data = new Float32Array(spec.length * 29);
  spec.forEach((f, t) => {
    const probs = new Float32Array(29).fill(1e-4);
    let rest = 1;
    for (const [ch, p] of Object.entries(f)) {
      probs[encodeChars(ch)[0]] = p;
      rest -= p;
    }
    probs[0] = Math.max(rest, 1e-4);
    probs.forEach((p, v) => (data[t * 29 + v] = Math.log(p)));
  });
  return { data, dims: [1, spec.length, 29] };
}

describe('decodeLogits with a character LM', () => {
  // Acoustically "CAR" beats "CAT" (0.55 vs 0.45 on the last letter); the LM has seen "CAT" only.
  const spec = [{ C: 0.95 }, {}, { A: 0.95 }, {}, { R: 0.55, T: 0.45 }, {}];
  const lm = CharNgramLm.train(['CAT', 'THE CAT', 'A CAT SAT', 'RAT'], { order: 3 });

  it('lets the LM overturn a close acoustic call, and leaves greedy and plain beam alone', () => {
    const logits = frames(spec);
    expect(decodeLogits(logits, [6])).toEqual(['CAR']);
    expect(decodeLogits(logits, [6], { decoder: 'beam', beamSize: 4 })).toEqual(['CAR']);
    expect(decodeLogits(logits, [6], { decoder: 'beam', beamSize: 4, lm, lmWeight: 1, lmBonus: 0 })).toEqual(['CAT']);
    // The LM is ignored by the greedy decoder; weight 0 and bonus 0 is the plain beam search.
    expect(decodeLogits(logits, [6], { lm })).toEqual(['CAR']);
    expect(decodeLogits(logits, [6], { decoder: 'beam', beamSize: 4, lm, lmWeight: 0, lmBonus: 0 })).toEqual(['CAR']);
  });

  it('a per-character bonus keeps letters the LM finds unlikely', () => {
    // A faint "S" after CAT: the LM (weight 1) drops it, a large enough bonus keeps it.
    const logits = frames([...spec.slice(0, 4), { T: 0.9 }, {}, { S: 0.3 }, {}]);
    expect(decodeLogits(logits, [8], { decoder: 'beam', beamSize: 8, lm, lmWeight: 1, lmBonus: 0 })).toEqual(['CAT']);
    // Keeping S costs log(0.3 / 0.7) = -0.85 acoustically and log P(S | CAT) + log P(end | CATS) - log P(end | CAT)
    // = -4.38 - 2.48 + 0.36 = -6.50 in the LM: a bonus of 7 is not enough, 8 is.
    expect(decodeLogits(logits, [8], { decoder: 'beam', beamSize: 8, lm, lmWeight: 1, lmBonus: 7 })).toEqual(['CAT']);
    expect(decodeLogits(logits, [8], { decoder: 'beam', beamSize: 8, lm, lmWeight: 1, lmBonus: 8 })).toEqual(['CATS']);
  });

  it('rejects a negative LM weight', () => {
    const logits = frames(spec);
    expect(() => decodeLogits(logits, [6], { decoder: 'beam', lm, lmWeight: -0.5 })).toThrow(/'weight' = -0.5/);
  });
});
