import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { depthwiseTimeConv } from './depthwise-conv.js';

beforeAll(async () => {
  await initBackend({ log: null });
});

/** Reference: the same convolution from pads, slices and multiply-adds (tfjs-core's own gradients). */
function reference(x: Tensor, w: Tensor): Tensor {
  const [b, t, d] = x.shape as number[];
  const k = w.shape[0] as number;
  const p = tf.pad(x, [[0, 0], [(k - 1) / 2, (k - 1) / 2], [0, 0]]);
  let acc: Tensor = tf.zeros([b, t, d]);
  for (let i = 0; i < k; i++) acc = tf.add(acc, tf.mul(tf.slice(p, [0, i, 0], [b, t, d]), tf.slice(w, [i, 0], [1, d])));
  return acc;
}

describe('depthwiseTimeConv', () => {
  it('[2, 9, 3] x [5, 3] - value and gradients match the multiply-add reference', () => {
    const x = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const dy = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 3);
    const f = (fn: (a: Tensor, b: Tensor) => Tensor) => tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(fn(a, b), dy)));
    const [gx, gw] = f(depthwiseTimeConv)([x, w]);
    const [rx, rw] = f(reference)([x, w]);
    const y = depthwiseTimeConv(x, w);
    const r = reference(x, w);
    for (const [a, b] of [[y, r], [gx, rx], [gw, rw]]) {
      const av = a.dataSync();
      const bv = b.dataSync();
      expect(a.shape).toEqual(b.shape);
      av.forEach((v, i) => expect(v).toBeCloseTo(bv[i], 4));
    }
    tf.dispose([gx, gw, rx, rw, y, r]);
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => f(depthwiseTimeConv)([x, w])));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, dy]);
  });
});
