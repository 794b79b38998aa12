// Deliberately a copy of mulberry32 from @speechkd/random: this package ships with @tensorflow/tfjs-core
// as its only dependency (test/imports.test.ts, test/pack.test.ts). test/random.test.ts keeps the copy
// bit-identical to the shared one.

/** A seeded uniform PRNG in [0, 1) (mulberry32): same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Glorot/Xavier-uniform values for a [fanIn, fanOut] kernel, row-major, from a seeded PRNG. */
export function glorotUniform(fanIn: number, fanOut: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rand() - 1) * limit;
  return out;
}
