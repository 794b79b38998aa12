import { describe, expect, it } from 'vitest';
import { BackendError, initBackend, tf } from './index.js';

describe('initBackend', () => {
  it('auto picks a working backend and skips absent native packages', async () => {
    const info = await initBackend({ backend: 'auto', log: null });
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfName);
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    expect(Array.from(y)).toEqual([3, 3, 3, 3]);
  });

  it('forces cpu and wasm on request', async () => {
    expect((await initBackend({ backend: 'cpu', log: null })).tfName).toBe('cpu');
    expect((await initBackend({ backend: 'wasm', log: null })).tfName).toBe('wasm');
  });

  it('registers gradients', async () => {
    await initBackend({ backend: 'cpu', log: null });
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
    expect(Array.from(g.dataSync())).toEqual([2, 4]);
    g.dispose();
  });

  it('throws a typed error for an unknown backend name', () => {
    expect(() => initBackend({ backend: 'tpu' as never, log: null })).toThrow(BackendError);
    expect(() => initBackend({ backend: 'tpu' as never, log: null })).toThrow(/unknown backend "tpu"/);
  });
});
