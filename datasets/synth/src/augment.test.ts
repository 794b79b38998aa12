import { describe, expect, it } from 'vitest';
import { applyAugment, drawAugment, makeNoise } from './augment.js';

const sine = Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000));
const power = (x: Float32Array): number => x.reduce((s, v) => s + v * v, 0) / x.length;

describe('augmentation', () => {
  it('adds noise at the drawn SNR (white, pink, brown) and is seeded', () => {
    for (const noise of ['white', 'pink', 'brown'] as const) {
      const out = applyAugment(sine, { noise, snrDb: 10, gainDb: 0, noiseSeed: 5 });
      const residual = out.map((v, i) => v - sine[i]);
      expect(10 * Math.log10(power(sine) / power(residual))).toBeCloseTo(10, 1);
      expect(applyAugment(sine, { noise, snrDb: 10, gainDb: 0, noiseSeed: 5 })).toEqual(out);
    }
    expect(makeNoise('white', 100, 1)).not.toEqual(makeNoise('white', 100, 2));
  });

  it('applies the gain and scales down instead of clipping', () => {
    const quieter = applyAugment(sine, { noise: null, snrDb: 0, gainDb: -6, noiseSeed: 0 });
    expect(Math.max(...quieter)).toBeCloseTo(0.3 * 10 ** (-6 / 20), 3);
    const loud = applyAugment(sine, { noise: null, snrDb: 0, gainDb: 20, noiseSeed: 0 });
    expect(Math.max(...loud)).toBeCloseTo(0.99, 3);
  });

  it('draws per utterance from the corpus seed within the ranges', () => {
    const a = drawAugment({ snrDb: [5, 6], gainDb: [-1, 0], noiseProb: 1 }, 1, '1001-10011-0000');
    expect(a).toEqual(drawAugment({ snrDb: [5, 6], gainDb: [-1, 0], noiseProb: 1 }, 1, '1001-10011-0000'));
    expect(a.noise).not.toBeNull();
    expect(a.snrDb).toBeGreaterThanOrEqual(5);
    expect(a.snrDb).toBeLessThanOrEqual(6);
    expect(a.gainDb).toBeGreaterThanOrEqual(-1);
    expect(drawAugment({}, 1, '1001-10011-0001').noiseSeed).not.toBe(a.noiseSeed);
  });
});
