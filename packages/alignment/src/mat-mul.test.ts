import { beforeAll, describe, expect, it } from 'vitest';
import { matMul } from './mat-mul.js';
import { BACKENDS, expectClose, expectNoLeak, take, tf, useBackend } from '../test/helpers.js';

describe.each(BACKENDS)('matMul (explicit-transpose product) [%s]', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('rank 2 and 3 - transposeA %s, transposeB %s - equals tf.matMul, value and gradients', (ta, tb) => {
    for (const batch of [[], [1], [3], [2, 3], [20]]) {
      const a = tf.randomNormal([...batch, ...(ta ? [4, 2] : [2, 4])], 0, 1, 'float32', 1);
      const b = tf.randomNormal([...batch, ...(tb ? [5, 4] : [4, 5])], 0, 1, 'float32', 2);
      const f = (mm: typeof matMul) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x, y, ta, tb)));
      expectClose(take(matMul(a, b, ta, tb)), take(tf.matMul(a, b, ta, tb)), 1e-5);
      const [ga, gb] = tf.grads(f(matMul))([a, b]);
      const [ra, rb] = tf.grads(f((x, y, p, q) => tf.matMul(x, y, p, q)))([a, b]);
      expectClose(take(ga), take(ra), 1e-4);
      expectClose(take(gb), take(rb), 1e-4);
      expectNoLeak(() => matMul(a, b, ta, tb));
      expectNoLeak(() => tf.grads(f(matMul))([a, b]));
      tf.dispose([a, b]);
    }
  });

  it('throws for operands of different rank or leading dims', () => {
    const [a, b] = [tf.zeros([2, 3, 4]), tf.zeros([4, 5])];
    expect(() => matMul(a, b)).toThrow('matMul: operands need equal rank >= 2 and equal leading dims, got [2,3,4] and [4,5]');
    tf.dispose([a, b]);
  });
});
