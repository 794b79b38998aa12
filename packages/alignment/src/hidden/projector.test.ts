import { beforeAll, describe, expect, it } from 'vitest';
import { createProjector } from '../index.js';
import { BACKENDS, expectClose, take, tf, useBackend } from '../../test/helpers.js';

describe.each(BACKENDS)('createProjector [%s]', (backend) => {
  beforeAll(() => useBackend(backend));

  it('maps [batch, time, studentDim] to [batch, time, teacherDim] as x W + b', () => {
    const p = createProjector(4, 6, { seed: 3 });
    p.bias!.assign(tf.range(0, 6, 1, 'float32'));
    const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 2);
    const y = p.apply(x);
    expect(y.shape).toEqual([2, 5, 6]);
    const ref = tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [10, 4]), p.kernel), p.bias!));
    expectClose(take(y), take(ref), 1e-5);
    x.dispose();
    p.dispose();
  });

  it('is seeded, owns exactly its variables, and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const a = createProjector(8, 3, { seed: 1 });
    const b = createProjector(8, 3, { seed: 1 });
    const c = createProjector(8, 3, { seed: 2, bias: false });
    expect(Array.from(a.kernel.dataSync())).toEqual(Array.from(b.kernel.dataSync()));
    expect(Array.from(a.kernel.dataSync())).not.toEqual(Array.from(c.kernel.dataSync()));
    expect(a.variables.length).toBe(2);
    expect(c.variables.length).toBe(1);
    expect(a.kernel.trainable).toBe(true);
    [a, b, c].forEach((p) => p.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains: gradients reach its variables', () => {
    const p = createProjector(3, 2, { seed: 0 });
    const x = tf.ones([4, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(p.apply(x)) as tf.Scalar, p.variables);
    expect(Object.keys(grads).length).toBe(2);
    expectClose(take(grads[p.bias!.name]), [4, 4]);
    tf.dispose([value, x, ...Object.values(grads)]);
    p.dispose();
  });

  it('throws for bad sizes and inputs of the wrong width', () => {
    expect(() => createProjector(0, 3)).toThrow("createProjector: argument 'studentDim' must be an integer >= 1, got 0");
    const p = createProjector(3, 2);
    const x = tf.zeros([2, 5]);
    expect(() => p.apply(x)).toThrow("Projector.apply: argument 'x' must have last dim 3 but has shape [2,5]");
    x.dispose();
    p.dispose();
  });
});
