import { describe, expect, it } from 'vitest';
import { hostValues, initBackend, installGradientFixes, tensorFromHost, tf } from './index.js';

const BACKENDS = ['cpu', 'wasm'] as const;

describe('host views and host-filled tensors', () => {
  for (const backend of BACKENDS) {
    it(`read a tensor's values and fill a new tensor in place (${backend})`, async () => {
      await initBackend({ backend, log: null });
      const x = tf.tensor2d([1.5, -2, 3, 4.25, 5, 6], [2, 3]);
      expect(Array.from(hostValues(x))).toEqual([1.5, -2, 3, 4.25, 5, 6]);
      const t = tensorFromHost([2, 2], (v) => {
        expect(Array.from(v)).toEqual([0, 0, 0, 0]); // handed over zeroed, whatever the memory held
        v[1] = 7;
        v[3] = -1;
      });
      expect(t.shape).toEqual([2, 2]);
      expect(Array.from(t.dataSync())).toEqual([0, 7, 0, -1]);
      // Tracked like any tensor: a tidy frees it.
      const before = tf.memory().numTensors;
      tf.tidy(() => void tensorFromHost([3], (v) => v.fill(2)));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, t]);
    });
  }

  it('on wasm, the view reads the backend memory without a copy', async () => {
    await initBackend({ backend: 'wasm', log: null });
    const x = tf.tensor1d([1, 2, 3]);
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    expect(hostValues(x).buffer).toBe(heap);
    x.dispose();
  });
});

describe('gradient fixes (Sum, Mean)', () => {
  for (const backend of BACKENDS) {
    it(`give tfjs' values bit for bit over any axes (${backend})`, async () => {
      await initBackend({ backend, log: null });
      installGradientFixes();
      const x = tf.tensor3d(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [2, 3, 4]);
      for (const axis of [[2], [1], [0, 2], [0, 1, 2]]) {
        const outShape = x.shape.map((s, i) => (axis.includes(i) ? 1 : s));
        const n = axis.reduce((a, i) => a * x.shape[i], 1);
        const w = tf.tensor(Float32Array.from({ length: 24 / n }, (_, i) => 0.1 + Math.cos(3 * i)), outShape);
        const gs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sum(v, axis, true), w)))(x);
        const gm = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, axis, true), w)))(x);
        // Expected: w broadcast back; for the mean, (w x 1) / n in float32 as tfjs computes it.
        const wb = tf.mul(w, tf.ones(x.shape)).dataSync();
        expect(Array.from(gs.dataSync())).toEqual(Array.from(wb));
        expect(Array.from(gm.dataSync())).toEqual(Array.from(wb, (v) => Math.fround(v / n)));
        tf.dispose([w, gs, gm]);
      }
      x.dispose();
    });
  }
});
