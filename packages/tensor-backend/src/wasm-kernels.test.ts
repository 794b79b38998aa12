import { describe, expect, it } from 'vitest';
import { copyBox, initBackend, installWasmKernelFixes, installWasmMatMulKernel, tf } from './index.js';

// Deterministic pseudo-random values (no dependency on tf's RNG).
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Runs `fn` on the cpu backend (reference) and on wasm (with the replaced kernels); returns both results. */
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = () => tf.tidy(() => {
    const r = fn();
    return (Array.isArray(r) ? r : [r]).map((t) => ({ shape: t.shape.join('x'), v: Array.from(t.dataSync()) }));
  });
  await initBackend({ backend: 'cpu', log: null });
  const cpu = run();
  await initBackend({ backend: 'wasm', log: null });
  const wasm = run();
  expect(wasm.map((w) => w.shape)).toEqual(cpu.map((c) => c.shape));
  return { cpu: cpu.map((c) => c.v), wasm: wasm.map((w) => w.v) };
}

describe('copyBox', () => {
  it('copies a box of a row-major array for every rank, contiguous or not', () => {
    const shape = [3, 4, 5];
    const src = Float32Array.from({ length: 60 }, (_, i) => i);
    const dst = new Float32Array(2 * 2 * 3);
    copyBox(src, shape, [1, 2, 1], [2, 2, 3], dst);
    const want: number[] = [];
    for (let i = 1; i < 3; i++) for (let j = 2; j < 4; j++) for (let k = 1; k < 4; k++) want.push(i * 20 + j * 5 + k);
    expect(Array.from(dst)).toEqual(want);
    const whole = new Float32Array(60);
    copyBox(src, shape, [0, 0, 0], shape, whole);
    expect(whole).toEqual(src);
    const one = new Float32Array(1);
    copyBox(Float32Array.of(7), [], [], [], one);
    expect(one[0]).toBe(7);
  });
});

describe('wasm kernel fixes', () => {
  it('are installed on wasm and idempotent', async () => {
    await initBackend({ backend: 'wasm', log: null });
    expect(installWasmKernelFixes()).toBe(false); // already installed by initBackend
    expect(installWasmMatMulKernel()).toBe(false);
  });

  it('BatchMatMul equals the cpu backend: transposes, batches, broadcasting, empty batches', async () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[5, 7], [7, 3], false, false], [[7, 5], [7, 3], true, false], [[5, 7], [3, 7], false, true], [[7, 5], [3, 7], true, true],
      [[4, 5, 7], [4, 7, 3], false, false], [[4, 7, 5], [4, 3, 7], true, true], [[4, 5, 7], [7, 3], false, false],
      [[5, 7], [4, 7, 3], false, false], [[2, 3, 5, 7], [2, 3, 7, 4], false, false], [[2, 1, 5, 7], [1, 3, 7, 4], false, false],
      [[3, 5, 7], [1, 2, 7], false, true], [[0, 5, 7], [0, 7, 3], false, false], [[32, 40, 16], [32, 16, 40], false, false],
      [[7, 3], [7, 5], true, false], [[300, 9], [300, 40], true, false], [[7, 3], [5, 7], true, true],
    ];
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const r = await onBoth(() => tf.matMul(tf.tensor(values(sa.reduce((x, y) => x * y, 1), i + 1), sa), tf.tensor(values(sb.reduce((x, y) => x * y, 1), i + 50), sb), ta, tb));
      r.cpu[0].forEach((v, j) => expect(Math.abs(v - r.wasm[0][j]), JSON.stringify([sa, sb, ta, tb])).toBeLessThan(1e-5));
    }
  });

  it('BatchMatMul gradients (transposed and batched products) equal the cpu backend', async () => {
    const a = values(6 * 9 * 5, 11);
    const b = values(6 * 5 * 4, 12);
    const r = await onBoth(() => {
      const ta = tf.tensor(a, [6, 9, 5]);
      const tb = tf.tensor(b, [6, 5, 4]);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([ta, tb]);
      const [ga2] = tf.grads((x: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, tf.reshape(tb, [30, 4]), false, false))))([tf.slice(tf.reshape(ta, [6, 45]), [0, 0], [6, 30])]);
      return [ga, gb, ga2];
    });
    r.cpu.forEach((t, k) => t.forEach((v, j) => expect(Math.abs(v - r.wasm[k][j])).toBeLessThan(1e-4)));
  });

  it('Slice equals the cpu backend on ranks 1-5, contiguous and strided boxes, float32/int32/bool', async () => {
    const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
      { shape: [50], begin: [3], size: [20] },
      { shape: [7, 9], begin: [2, 0], size: [3, 9] },
      { shape: [7, 9], begin: [1, 4], size: [5, 2] },
      { shape: [4, 33, 17], begin: [1, 5, 0], size: [2, 20, 17] },
      { shape: [4, 33, 17], begin: [0, 1, 3], size: [4, 30, 1] },
      { shape: [2, 3, 5, 7], begin: [1, 0, 2, 1], size: [1, 3, 3, 6] },
      { shape: [2, 3, 4, 5, 6], begin: [0, 1, 1, 0, 2], size: [2, 2, 3, 5, 3] },
      { shape: [6, 8], begin: [2, 3], size: [0, 4] },
    ];
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const v = values(n, n);
      const r = await onBoth(() => [
        tf.slice(tf.tensor(v, c.shape), c.begin, c.size),
        tf.slice(tf.tensor(Int32Array.from(v, (x) => Math.round(x * 1000)), c.shape, 'int32'), c.begin, c.size),
        tf.slice(tf.greater(tf.tensor(v, c.shape), 0), c.begin, c.size),
      ]);
      expect(r.wasm, JSON.stringify(c)).toEqual(r.cpu);
    }
  });

  it('Sum over leading axes (and every other axis set) equals the cpu backend', async () => {
    const v = values(7 * 5 * 6 * 3, 21);
    const r = await onBoth(() => {
      const x = tf.tensor(v, [7, 5, 6, 3]);
      return [
        tf.sum(x, 0), tf.sum(x, [0, 1]), tf.sum(x, [1, 0], true), tf.sum(x, [0, 1, 2]), tf.sum(x, -1), tf.sum(x, [1, 3]), tf.sum(x),
        tf.sum(tf.tensor(values(4097 * 5, 3), [4097, 5]), 0), tf.sum(tf.zeros([0, 4]), 0),
      ];
    });
    r.cpu.forEach((t, k) => t.forEach((val, j) => expect(Math.abs(val - r.wasm[k][j]), `output ${k}`).toBeLessThan(1e-3)));
  });

  it('unstack, split and their gradients equal the cpu backend', async () => {
    const v = values(5 * 6 * 7, 3);
    const r = await onBoth(() => {
      const x = tf.tensor(v, [5, 6, 7]);
      const parts = [...tf.unstack(x, 0), ...tf.unstack(x, 1), ...tf.unstack(x, 2), ...tf.split(x, [2, 4, 1], 2), ...tf.split(x, 3, 1)];
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.stack(tf.unstack(t, 1).map((u, i) => tf.mul(u, i + 1)), 1), tf.concat(tf.split(t, [3, 4], 2), 2))))(x);
      return [...parts, g];
    });
    expect(r.wasm).toEqual(r.cpu);
  });

  it('Identity shares the buffer safely: clones outlive their source, variables still assign', async () => {
    await initBackend({ backend: 'wasm', log: null });
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(b);
    v.assign(tf.tensor1d([4, 5, 6]));
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    // Casts: same dtype shares, other dtypes convert.
    const c = tf.cast(b, 'float32');
    const ci = tf.cast(tf.tensor1d([1.7, -2.2]), 'int32');
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(ci.dataSync())).toEqual([1, -2]);
    expect(ci.dtype).toBe('int32');
    tf.dispose([c, ci]);
    // Custom gradients save (clone) their inputs; the gradient is still right.
    const f = tf.customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return { value: tf.square(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.mul(saved[0], 2))] };
    });
    const g = tf.grad((x: tf.Tensor) => tf.sum(f(x) as tf.Tensor))(tf.tensor1d([1, -2]));
    expect(Array.from(g.dataSync())).toEqual([2, -4]);
    tf.dispose([b, v, g]);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 3); // the tensor1d inputs above
  });
});
