import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed, fillBernoulli, mixSeed, mulberry32, randInt, randomNormal, shuffled, uniform } from './index.js';

// Pinned outputs, recorded from the six per-package copies this package replaced (they all agreed).
// Golden values across the repo depend on them: if one of these fails, the algorithm changed.

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next);

describe('mulberry32', () => {
  it('reproduces the pinned sequences', () => {
    expect(take(mulberry32(1), 5)).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741, 0.9683778982143849,
    ]);
    expect(take(mulberry32(0), 5)).toEqual([
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086,
    ]);
    expect(take(mulberry32(42), 5)).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693, 0.17481389874592423,
    ]);
  });

  it('takes the seed mod 2^32', () => {
    expect(take(mulberry32(-1), 3)).toEqual([0.8964226141106337, 0.189478256739676, 0.7156526781618595]);
    expect(take(mulberry32(-1), 8)).toEqual(take(mulberry32(0xffffffff), 8));
    expect(take(mulberry32(0xdeadbeef), 2)).toEqual([0.9413696140982211, 0.26719574979506433]);
  });
});

describe('Rng', () => {
  it('yields the same values as mulberry32', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, -1, 123456789]) {
      const rng = new Rng(seed);
      expect(take(() => rng.next(), 50)).toEqual(take(mulberry32(seed), 50));
    }
  });

  it('pins state, int, normal and shuffle', () => {
    const rng = new Rng(7);
    rng.next();
    rng.next();
    expect(rng.state).toBe(3663131633);
    expect(rng.int(10)).toBe(9);
    expect(rng.normal()).toBe(-0.8385722172331512);
    expect(rng.state).toBe(567894480);
    expect(new Rng(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([9, 5, 6, 1, 2, 4, 8, 3, 0, 7]);
  });

  it('resumes the exact sequence from a saved state', () => {
    const a = new Rng(99);
    take(() => a.next(), 17);
    const b = new Rng(0);
    b.state = a.state;
    expect(take(() => b.next(), 20)).toEqual(take(() => a.next(), 20));
    expect(new Rng(a.state).next()).toBe(a.next());
  });

  it('shuffles in place and keeps every element', () => {
    const arr = Array.from({ length: 30 }, (_, i) => i);
    const out = new Rng(5).shuffle(arr);
    expect(out).toBe(arr);
    expect([...out].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('fillBernoulli', () => {
  it('makes the decisions of comparing Rng draws with p', () => {
    for (const [seed, p] of [[7, 0.9], [0xffffffff, 0.5], [123456, 0], [42, 1], [99, 1 / 3]] as const) {
      const rng = new Rng(seed);
      const expected = new Float32Array(1003).fill(-1);
      for (let i = 0; i < 1000; i++) if (rng.next() < p) expected[3 + i] = 2.5;
      const got = new Float32Array(1003).fill(-1);
      fillBernoulli(seed, p, got, 3, 1000, 2.5);
      expect(got).toEqual(expected);
    }
  });
});

describe('seed mixing', () => {
  it('pins mixSeed', () => {
    expect(mixSeed()).toBe(2654435769);
    expect(mixSeed(0)).toBe(493009611);
    expect(mixSeed(1)).toBe(1059954845);
    expect(mixSeed(1, 2)).toBe(4017857470);
    expect(mixSeed(42, 7, 3)).toBe(680212242);
    expect(mixSeed(-1)).toBe(4288662295);
  });

  it('pins deriveSeed', () => {
    expect(deriveSeed(0, '')).toBe(4070664416);
    expect(deriveSeed(1, 'speakers')).toBe(2096789616);
    expect(deriveSeed(42, 'plan')).toBe(3892965606);
  });
});

describe('helpers over a RandomFn', () => {
  it('pins randInt, uniform and shuffled on one stream', () => {
    const rng = mulberry32(5);
    expect([randInt(rng, 1, 6), randInt(rng, 1, 6), randInt(rng, 1, 6)]).toEqual([5, 5, 2]);
    expect(uniform(rng, -1, 1)).toBe(0.24635764444246888);
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(shuffled(rng, items)).toEqual(['b', 'e', 'd', 'c', 'a']);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('pins randomNormal', () => {
    expect(Array.from(randomNormal(mulberry32(1), 4, 0.02))).toEqual([
      0.019319480285048485, 0.022462083026766777, -0.000984557205811143, -0.0036178301088511944,
    ]);
    expect(Array.from(randomNormal(mulberry32(2), 3, 1, 5))).toEqual([4.643166542053223, 3.4610140323638916, 4.648650169372559]);
  });
});
