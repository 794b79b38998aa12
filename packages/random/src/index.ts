// @speechkd/random: one seeded PRNG (mulberry32) for the whole workspace, so data plans, weight
// initializations, benchmarks and checkpoints agree bit for bit. Dependency-free; not cryptographic.

/** A seeded uniform generator: each call returns the next float in [0, 1). */
export type RandomFn = () => number;

const MULBERRY_INCREMENT = 0x6d2b79f5;

/** mulberry32's output function for an already-advanced 32-bit state: a float in [0, 1). */
function temper(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A seeded uniform PRNG in [0, 1) (mulberry32): same seed, same sequence. The seed is taken mod 2^32. */
export function mulberry32(seed: number): RandomFn {
  let state = seed >>> 0;
  return () => {
    state = (state + MULBERRY_INCREMENT) >>> 0;
    return temper(state);
  };
}

/**
 * The mulberry32 generator as an object whose whole state is one integer, so it can be checkpointed:
 * save `state`, later assign it (or pass it as the seed) to resume the exact sequence.
 * `new Rng(seed).next()` yields the same values as `mulberry32(seed)()`.
 */
export class Rng {
  /** Current 32-bit state; save it to resume the exact sequence. */
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + MULBERRY_INCREMENT) >>> 0;
    return temper(this.state);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal sample (Box-Muller, cosine branch; consumes two uniforms). */
  normal(): number {
    return gaussian(() => this.next(), 1);
  }

  /** Fisher-Yates shuffle of `arr` in place; returns `arr`. */
  shuffle<T>(arr: T[]): T[] {
    return shuffleInPlace(() => this.next(), arr);
  }
}

/**
 * Bernoulli draws from mulberry32(`seed`): for k in [0, count), `out[from + k] = value` where the k-th draw
 * `new Rng(seed).next()` is < `p` (other elements untouched). The same decisions as comparing those floats,
 * without them: a draw u32 / 2^32 < p exactly when u32 < p * 2^32. For dropout masks (millions per step).
 */
export function fillBernoulli(seed: number, p: number, out: Float32Array, from: number, count: number, value: number): void {
  const threshold = p * 4294967296;
  let state = seed >>> 0;
  const end = from + count;
  for (let i = from; i < end; i++) {
    state = (state + MULBERRY_INCREMENT) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if ((t ^ (t >>> 14)) >>> 0 < threshold) out[i] = value;
  }
}

/** Mixes integers into one 32-bit seed (so per-step/per-utterance seeds need no stored state). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Derives a 32-bit seed from a base seed and a label (FNV-1a, then a murmur3 finalizer), so streams are independent. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}:${label}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Integer in [lo, hi] inclusive, from one draw of `rng`. */
export function randInt(rng: RandomFn, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Float in [lo, hi), from one draw of `rng`. */
export function uniform(rng: RandomFn, lo: number, hi: number): number {
  return lo + rng() * (hi - lo);
}

/** Fisher-Yates shuffle of a copy of `items` (the input is left unchanged). */
export function shuffled<T>(rng: RandomFn, items: readonly T[]): T[] {
  return shuffleInPlace(rng, items.slice());
}

/** `n` normal samples with standard deviation `std` plus `mean` (Box-Muller over `rand`, two draws per sample). */
export function randomNormal(rand: RandomFn, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + gaussian(rand, std);
  return out;
}

/** One normal sample with deviation `std`: Box-Muller's cosine branch over two draws (the first clamped away from 0). */
function gaussian(rand: RandomFn, std: number): number {
  const u = Math.max(rand(), 1e-12);
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function shuffleInPlace<T>(rand: RandomFn, arr: T[]): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}
