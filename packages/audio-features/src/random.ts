import { mulberry32, randInt } from '@speechkd/random';

/** A seeded pseudo-random generator: `next()` is uniform in [0, 1). */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Standard normal deviate (Box-Muller). */
  gaussian(): number;
  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
}

/** mulberry32 PRNG (from @speechkd/random) with a Box-Muller normal generator that caches the sine pair; same seed, same sequence. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare = NaN;
  const gaussian = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u = next();
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (lo: number, hi: number): number => randInt(next, lo, hi);
  return { next, gaussian, int };
}
