// Shared test helpers: backends, tolerances, golden data, leak and gradient checks.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export { tf };

/** Every test family runs on these backends. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Activates a backend (call from beforeAll). */
export async function useBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
  await tf.ready();
}

/** The golden values written by scripts/make-golden.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const golden: any = JSON.parse(readFileSync(new URL('./golden/golden.json', import.meta.url), 'utf8'));

/** Tensor from nested arrays (float32 unless dtype given). */
export function T(values: unknown, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  return tf.tensor(values as number[], undefined, dtype);
}

/** Reads a tensor's values and disposes it. */
export function take(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Scalar value of a tensor, disposing it. */
export function scalar(t: tf.Tensor): number {
  return take(t)[0];
}

/** Element-wise closeness with absolute + relative tolerance. */
export function expectClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, tol = 1e-5): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected as ArrayLike<number>);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i]));
    if (!ok) expect.fail(`element ${i}: ${a[i]} vs expected ${e[i]} (tol ${tol})`);
  }
}

/** Flattens nested arrays. */
export function flat(x: unknown): number[] {
  return (x as unknown[]).flat(Infinity as 1) as number[];
}

/** Runs fn; checks that exactly the tensors it returns are new (nothing leaked), then disposes them. */
export function expectNoLeak(fn: () => unknown): void {
  const before = tf.memory().numTensors;
  const result = fn();
  const returned: tf.Tensor[] = [];
  const collect = (v: unknown): void => {
    if (v instanceof tf.Tensor) returned.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(result);
  expect(tf.memory().numTensors).toBe(before + new Set(returned).size);
  tf.dispose(returned);
  expect(tf.memory().numTensors).toBe(before);
}

/**
 * Central finite differences on `count` coordinates of x against tf.grad (float32, so eps 1e-2 and a
 * loose tolerance). f maps x to a scalar.
 */
export function expectGradMatches(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, count = 6, eps = 1e-2, tol = 3e-2): void {
  const analytic = tf.tidy(() => tf.grad(f)(x)).dataSync().slice();
  const base = x.dataSync().slice();
  const n = base.length;
  const idx = Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
  for (const i of idx) {
    const at = (d: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += d;
        return f(tf.tensor(v, x.shape)).dataSync()[0];
      });
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
    if (Math.abs(numeric - analytic[i]) > tol * scale) {
      expect.fail(`d/dx[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
  }
}

/** Appends `extra` garbage frames along axis 1 (finite, large values) of x [batch, time, ...]. */
export function padTime(x: tf.Tensor, extra: number, value = 37.5): tf.Tensor {
  return tf.tidy(() => {
    const shape = [...x.shape];
    shape[1] = extra;
    const garbage = tf.add(tf.mul(tf.randomUniform(shape, -1, 1, x.dtype === 'int32' ? 'int32' : 'float32', 7), value), 0);
    return tf.concat([x, x.dtype === 'int32' ? tf.cast(garbage, 'int32') : garbage], 1);
  });
}

/** Extends a mask [batch, time] with `extra` zero columns. */
export function padMask(mask: tf.Tensor, extra: number): tf.Tensor {
  return tf.tidy(() => tf.concat([mask, tf.zeros([mask.shape[0], extra])], 1));
}
