// src/random.ts keeps its own mulberry32 so the package depends on @tensorflow/tfjs-core only; this
// pins it to the workspace's shared generator (a dev dependency, not shipped).
import { Rng, mulberry32 as shared } from '@speechkd/random';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/index.js';

describe('mulberry32', () => {
  it('is bit-identical to @speechkd/random', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, -1, 2 ** 40 + 3]) {
      const a = mulberry32(seed);
      const b = shared(seed);
      const c = new Rng(seed);
      for (let i = 0; i < 200; i++) {
        const x = a();
        expect(x).toBe(b());
        expect(x).toBe(c.next());
      }
    }
  });
});
