import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@speechkd/random';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { CtcError, ctcLoss } from './index.js';

const logits = (batch: number, time: number, vocab: number, seed = 1, scale = 1): Tensor3D => {
  const r = mulberry32(seed);
  return tf.tensor3d(Float32Array.from({ length: batch * time * vocab }, () => (r() * 2 - 1) * scale), [batch, time, vocab]);
};

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('ctcLoss', () => {
  it('2D labels - mean - equals brute force over all alignments for a tiny case', () => {
    // T=3, V=3, labels [1, 2]: sum the probability of every path that collapses to "1 2".
    const x = logits(1, 3, 3, 7);
    const p = tf.tidy(() => tf.softmax(x).arraySync() as number[][][])[0];
    let total = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) {
      const collapsed = [a, b, c].filter((v, i, arr) => i === 0 || v !== arr[i - 1]).filter((v) => v !== 0);
      if (collapsed.join() === '1,2') total += p[0][a] * p[1][b] * p[2][c];
    }
    const labels = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const loss = ctcLoss(x, labels, [3], [2], { reduction: 'sum' });
    expect(loss.dataSync()[0]).toBeCloseTo(-Math.log(total), 5);
    tf.dispose([x, labels, loss]);
  });

  it('works with tf.variableGrads and an optimizer, and the loss goes down', () => {
    const v = tf.variable(logits(2, 12, 5, 3));
    const labels = tf.tensor2d([[1, 2, 2, 3], [4, 4, 0, 0]], [2, 4], 'int32');
    const before = tf.memory().numTensors;
    const opt = tf.train.adam(0.1);
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const cost = opt.minimize(() => ctcLoss(v as unknown as Tensor3D, labels, [12, 9], [4, 2]), true);
      losses.push(cost!.dataSync()[0]);
      cost!.dispose();
    }
    expect(losses[19]).toBeLessThan(losses[0] * 0.5);
    opt.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2); // Adam's two moment slots for v
    tf.dispose([v, labels]);
  });

  it('is leak-free: forward and gradient leave the tensor count unchanged', () => {
    const x = logits(2, 8, 4);
    const labels = tf.tensor2d([[1, 2], [3, 0]], [2, 2], 'int32');
    const lengths = tf.tensor1d([8, 6], 'int32');
    const before = tf.memory().numTensors;
    const loss = ctcLoss(x, labels, lengths, [2, 1], { reduction: 'none' });
    const g = tf.grad((z: Tensor) => ctcLoss(z as Tensor3D, labels, lengths, [2, 1]))(x);
    tf.dispose([loss, g]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels, lengths]);
  });

  it('accepts Int32Array and tensor lengths alike, and ignores padding values', () => {
    const x = logits(2, 6, 4);
    const a = tf.tensor2d([[1, 2, 99], [3, -5, 0]], [2, 3], 'int32');
    const b = tf.tensor2d([[1, 2, 0], [3, 0, 0]], [2, 3], 'int32');
    const la = ctcLoss(x, a, Int32Array.from([6, 5]), tf.tensor1d([2, 1], 'int32'), { reduction: 'none' });
    const lb = ctcLoss(x, b, [6, 5], [2, 1], { reduction: 'none' });
    expect(Array.from(la.dataSync())).toEqual(Array.from(lb.dataSync()));
    tf.dispose([x, a, b, la, lb]);
  });

  it('stays finite and exact for extreme logits (cells far below the frame maximum)', () => {
    // Frames alternately favour classes by ~1000 nats: a pure linear-domain recursion underflows here.
    const time = 40;
    const vocab = 4;
    const data = new Float32Array(time * vocab);
    for (let t = 0; t < time; t++) for (let v = 0; v < vocab; v++) data[t * vocab + v] = v === (t < 20 ? 2 : 1) ? 600 : -600 + v;
    const x = tf.tensor3d(data, [1, time, vocab]);
    const labels = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const loss = ctcLoss(x, labels, [time], [2], { reduction: 'sum' });
    const value = loss.dataSync()[0];
    expect(Number.isFinite(value)).toBe(true);
    // One frame must emit 1 before 2's frames (cost ~1200 nats) and one frame 2 after them: ~2400 nats.
    expect(value).toBeGreaterThan(2000);
    const g = tf.grad((z: Tensor) => ctcLoss(z as Tensor3D, labels, [time], [2], { reduction: 'sum' }))(x);
    const gv = g.dataSync();
    expect(gv.every((v) => Number.isFinite(v))).toBe(true);
    // Each frame's gradient sums to 0 over the vocabulary (softmax minus a distribution).
    for (let t = 0; t < time; t++) expect(Math.abs(gv.slice(t * vocab, (t + 1) * vocab).reduce((s, v) => s + v, 0))).toBeLessThan(1e-5);
    tf.dispose([x, labels, loss, g]);
  });

  it('gives zero gradient on frames past the logit length', () => {
    const x = logits(1, 10, 5);
    const labels = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const g = tf.grad((z: Tensor) => ctcLoss(z as Tensor3D, labels, [6], [2]))(x);
    const gv = g.dataSync();
    expect(Array.from(gv.slice(6 * 5)).every((v) => v === 0)).toBe(true);
    expect(Array.from(gv.slice(0, 6 * 5)).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, labels, g]);
  });
});

describe('ctcLoss argument checks', () => {
  const x = (): Tensor3D => logits(2, 5, 4);
  const labels = (): Tensor => tf.tensor2d([[1, 2], [3, 0]], [2, 2], 'int32');
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['logits of rank 2', () => ctcLoss(tf.zeros([5, 4]) as unknown as Tensor3D, labels() as never, [5, 5], [2, 1]), /ctcLoss: argument 'logits' must have rank 3/],
    ['int32 logits', () => ctcLoss(tf.zeros([2, 5, 4], 'int32') as Tensor3D, labels() as never, [5, 5], [2, 1]), /ctcLoss: argument 'logits' must have dtype float32/],
    ['float labels', () => ctcLoss(x(), tf.zeros([2, 2]) as never, [5, 5], [2, 1]), /ctcLoss: argument 'labels' must have dtype int32/],
    ['plain-array labels', () => ctcLoss(x(), [[1, 2]] as never, [5, 5], [2, 1]), /ctcLoss: argument 'labels' must be a int32 tensor/],
    ['labels batch mismatch', () => ctcLoss(x(), tf.tensor2d([[1, 2]], [1, 2], 'int32'), [5, 5], [2, 1]), /'labels' has batch 1 but 'logits' has batch 2/],
    ['labelLength > maxLabelLength', () => ctcLoss(x(), labels() as never, [5, 5], [3, 1]), /'labelLengths'\[0\] = 3 must be an integer in \[0, 2\]/],
    ['logitLength > time', () => ctcLoss(x(), labels() as never, [6, 5], [2, 1]), /'logitLengths'\[0\] = 6 must be an integer in \[0, 5\]/],
    ['negative length', () => ctcLoss(x(), labels() as never, [5, -1], [2, 1]), /'logitLengths'\[1\] = -1/],
    ['lengths batch mismatch', () => ctcLoss(x(), labels() as never, [5], [2, 1]), /'logitLengths' has 1 entries but the batch size is 2/],
    ['float32 length tensor', () => ctcLoss(x(), labels() as never, tf.tensor1d([5, 5]), [2, 1]), /'logitLengths' must have dtype int32/],
    ['label equal to blank', () => ctcLoss(x(), labels() as never, [5, 5], [2, 2]), /'labels'\[1\]\[1\] = 0 must be a class index in \[0, 3\] other than blank \(0\)/],
    ['label out of range', () => ctcLoss(x(), tf.tensor2d([[1, 4], [3, 0]], [2, 2], 'int32'), [5, 5], [2, 1]), /'labels'\[0\]\[1\] = 4/],
    ['blank out of range', () => ctcLoss(x(), labels() as never, [5, 5], [2, 1], { blank: 4 }), /option 'blank' = 4 must be an integer in \[0, 3\]/],
    ['bad reduction', () => ctcLoss(x(), labels() as never, [5, 5], [2, 1], { reduction: 'avg' as never }), /option 'reduction' = avg/],
  ];
  for (const [name, call, message] of cases) {
    it(`throws CtcError for ${name}`, () => {
      const before = tf.memory().numTensors;
      let error: unknown;
      tf.tidy(() => {
        try {
          call();
        } catch (err) {
          error = err;
        }
      });
      expect(error).toBeInstanceOf(CtcError);
      expect((error as Error).message).toMatch(message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('ctcLoss edge cases', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('zero frames: empty labels cost 0, non-empty labels are impossible (PyTorch leaves this undefined)', () => {
    const x = logits(2, 4, 3);
    const labels = tf.tensor2d([[1, 2], [1, 0]], [2, 2], 'int32');
    const loss = ctcLoss(x, labels, [0, 0], [0, 1], { reduction: 'none' });
    expect(Array.from(loss.dataSync())).toEqual([0, Infinity]);
    const g = tf.grad((z: Tensor) => ctcLoss(z as Tensor3D, labels, [0, 0], [0, 1], { reduction: 'sum', zeroInfinity: true }))(x);
    expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, labels, loss, g]);
  });

  it('gives the same value with and without gradient recording', () => {
    const x = logits(3, 9, 5, 9);
    const labels = tf.tensor2d([[1, 2, 3], [4, 4, 0], [2, 0, 0]], [3, 3], 'int32');
    const plain = ctcLoss(x, labels, [9, 8, 5], [3, 2, 1]);
    const { value, grad } = tf.valueAndGrad((z: Tensor) => ctcLoss(z as Tensor3D, labels, [9, 8, 5], [3, 2, 1]))(x);
    expect(value.dataSync()[0]).toBe(plain.dataSync()[0]);
    tf.dispose([x, labels, plain, value, grad]);
  });
});
