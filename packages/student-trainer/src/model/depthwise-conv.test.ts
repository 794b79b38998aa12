import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { depthwiseConv3x3s2, depthwiseTimeConv } from './depthwise-conv.js';

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

/**
 * Reference for the stride-2 convolution: the nine 3x3 stride-2 patches from pad + reshape + slices
 * (tfjs-core's own gradients), weighted and summed.
 */
function reference3x3s2(x: Tensor, w: Tensor): Tensor {
  const [b, t, f, c] = x.shape as number[];
  const t1 = Math.floor((t - 1) / 2);
  const f1 = Math.floor((f - 1) / 2);
  const fp = 2 * (f1 + 1);
  const tp = 2 * (t1 + 1);
  const padT = tf.pad(tf.reshape(x, [b, t, f * c]), [[0, 0], [0, tp - t], [0, 0]]);
  const padF = tf.pad(tf.reshape(padT, [b * tp, f, c]), [[0, 0], [0, fp - f], [0, 0]]);
  const rows = tf.reshape(padF, [b, t1 + 1, 2 * fp * c]); // frame pairs side by side
  let acc: Tensor = tf.zeros([b, t1, f1, c]);
  for (let kt = 0; kt < 3; kt++) {
    const r = tf.slice(rows, [0, kt === 2 ? 1 : 0, (kt % 2) * fp * c], [b, t1, fp * c]);
    const cols = tf.reshape(r, [b * t1, f1 + 1, 2 * c]); // bin pairs side by side
    for (let kf = 0; kf < 3; kf++) {
      const s = tf.reshape(tf.slice(cols, [0, kf === 2 ? 1 : 0, (kf % 2) * c], [b * t1, f1, c]), [b, t1, f1, c]);
      acc = tf.add(acc, tf.mul(s, tf.reshape(tf.slice(w, [kt * 3 + kf, 0], [1, c]), [c])));
    }
  }
  return acc;
}

describe('depthwiseConv3x3s2', () => {
  it.each([[[2, 9, 7, 3]], [[1, 8, 6, 4]], [[3, 3, 3, 2]]])('%j - value and gradients match the slice reference', (shape) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 4);
    const w = tf.randomNormal([9, shape[3]], 0, 1, 'float32', 5);
    const y = depthwiseConv3x3s2(x, w);
    expect(y.shape).toEqual([shape[0], Math.floor((shape[1] - 1) / 2), Math.floor((shape[2] - 1) / 2), shape[3]]);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 6);
    const f = (fn: (a: Tensor, b: Tensor) => Tensor) => tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(fn(a, b), dy)));
    const [gx, gw] = f(depthwiseConv3x3s2)([x, w]);
    const [rx, rw] = f(reference3x3s2)([x, w]);
    const r = reference3x3s2(x, w);
    for (const [a, b] of [[y, r], [gx, rx], [gw, rw]]) {
      expect(a.shape).toEqual(b.shape);
      const bv = b.dataSync();
      a.dataSync().forEach((v, i) => expect(v).toBeCloseTo(bv[i], 4));
    }
    // y[b, t, f, ch] reads x[b, 2t + kt, 2f + kf, ch]: one weight at a time picks out one patch.
    const xa = x.arraySync() as number[][][][];
    const onlyK = tf.tensor2d(Float32Array.from({ length: 9 * shape[3] }, (_, i) => (Math.floor(i / shape[3]) === 5 ? 1 : 0)), [9, shape[3]]); // w[5, ch] = 1: kt 1, kf 2
    const picked = depthwiseConv3x3s2(x, onlyK).arraySync() as number[][][][];
    const [lt, lf] = [y.shape[1]! - 1, y.shape[2]! - 1];
    expect(picked[0][lt][lf][1]).toBeCloseTo(xa[0][2 * lt + 1][2 * lf + 2][1], 5);
    tf.dispose([x, w, y, dy, gx, gw, rx, rw, r, onlyK]);
  });

  it('leaks no tensors through its gradient', () => {
    const x = tf.randomNormal([2, 9, 7, 3]);
    const w = tf.randomNormal([9, 3]);
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => tf.grads((a: Tensor, b: Tensor) => tf.sum(depthwiseConv3x3s2(a, b)))([x, w])));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
