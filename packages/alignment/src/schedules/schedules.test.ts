import { beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveTemperature,
  constantTemperature,
  cosineTemperature,
  createGradNormBalancer,
  createUncertaintyWeighting,
  fixedWeighting,
  linearTemperature,
  meanSoftmaxEntropy,
} from '../index.js';
import { BACKENDS, expectClose, expectNoLeak, scalar, take, tf, useBackend } from '../../test/helpers.js';

describe('temperature schedules', () => {
  it('constant, linear and cosine anneals hit their end points', () => {
    expect(constantTemperature(3)(1000)).toBe(3);
    const lin = linearTemperature({ from: 4, to: 1, steps: 100 });
    expect([lin(0), lin(50), lin(100), lin(500)]).toEqual([4, 2.5, 1, 1]);
    const cos = cosineTemperature({ from: 4, to: 1, steps: 100 });
    expectClose([cos(0), cos(50), cos(100), cos(1e6)], [4, 2.5, 1, 1], 1e-12);
    expect(cos(25)).toBeGreaterThan(lin(25));
  });

  it('throws for non-positive temperatures and bad step counts', () => {
    expect(() => constantTemperature(0)).toThrow("constantTemperature: argument 'temperature' must be a finite number > 0, got 0");
    expect(() => linearTemperature({ from: 2, to: -1, steps: 10 })).toThrow("linearTemperature: argument 'to' must be a finite number > 0, got -1");
    expect(() => cosineTemperature({ from: 2, to: 1, steps: 0 })).toThrow("cosineTemperature: argument 'steps' must be an integer >= 1, got 0");
  });
});

describe.each(BACKENDS)('adaptive temperature and loss weighting [%s]', (backend) => {
  beforeAll(() => useBackend(backend));

  it('adaptiveTemperature reaches the target entropy; sharper teachers get higher T', () => {
    const sharp = tf.mul(tf.randomNormal([2, 20, 29], 0, 1, 'float32', 3), 8);
    const soft = tf.mul(sharp, 0.25);
    const Ts = adaptiveTemperature(sharp, { targetEntropy: 0.6, min: 0.5, max: 50 });
    const Tw = adaptiveTemperature(soft, { targetEntropy: 0.6, min: 0.5, max: 50 });
    expectClose(meanSoftmaxEntropy(sharp, Ts), 0.6 * Math.log(29), 1e-3);
    expectClose(Ts / Tw, 4, 1e-3); // entropy depends on logits / T only
    const before = tf.memory().numTensors;
    adaptiveTemperature(sharp);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => adaptiveTemperature(sharp, { min: 0 })).toThrow("adaptiveTemperature: argument 'min' must be a finite number > 0, got 0");
    expect(() => adaptiveTemperature(sharp, { targetEntropy: 2 })).toThrow(/argument 'targetEntropy' must be a number in \[0, 1\]/);
    tf.dispose([sharp, soft]);
  });

  it('fixedWeighting is a weighted sum and checks names', () => {
    const w = fixedWeighting({ ctc: 1, kd: 0.5 });
    const losses = { ctc: tf.scalar(2), kd: tf.scalar(4) };
    expectClose(scalar(w.combine(losses)), 4);
    expectNoLeak(() => w.combine(losses));
    expect(() => w.combine({ ctc: losses.ctc })).toThrow("fixedWeighting.combine: argument 'losses' lacks 'kd' (expected ctc, kd)");
    expect(() => fixedWeighting({ a: -1 })).toThrow("fixedWeighting: argument 'weights.a' must be a finite number >= 0, got -1");
    tf.dispose(Object.values(losses));
  });

  it('uncertainty weighting: closed form value and gradient dTotal/ds = 0.5 (1 - exp(-s) L)', () => {
    const u = createUncertaintyWeighting(['ctc', 'kd'], 0.5);
    const losses = { ctc: tf.scalar(2), kd: tf.scalar(4) };
    const expected = 0.5 * Math.exp(-0.5) * 6 + 0.5;
    expectClose(scalar(u.combine(losses)), expected);
    const { value, grads } = tf.variableGrads(() => u.combine(losses), u.variables);
    expectClose(take(grads[u.logVars.kd.name]), 0.5 * (1 - Math.exp(-0.5) * 4));
    expectClose(u.weights().ctc, 0.5 * Math.exp(-0.5));
    tf.dispose([value, ...Object.values(grads), ...Object.values(losses)]);
    const before = tf.memory().numTensors;
    u.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
  });

  it('grad-norm balancing weights losses inversely to their gradient norms', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const x = tf.tensor1d([0.3, 0.1, -0.7]);
    const fns = {
      small: () => tf.sum(tf.mul(w, x)) as tf.Scalar, // gradient x, norm ~0.768
      big: () => tf.mul(tf.sum(tf.mul(w, x)), 10) as tf.Scalar, // gradient 10 x
    };
    const b = createGradNormBalancer(['small', 'big'], { ema: 0 });
    const before = tf.memory().numTensors;
    const weights = b.update(fns, [w]);
    expect(tf.memory().numTensors).toBe(before);
    expectClose([weights.small, weights.big], [2 * (10 / 11), 2 * (1 / 11)], 1e-5);
    expectClose(weights.small / weights.big, 10, 1e-4);
    const losses = { small: tf.scalar(1), big: tf.scalar(1) };
    expectClose(scalar(b.combine(losses)), 2, 1e-5);
    expect(() => b.update(fns, [])).toThrow("GradNormBalancer.update: argument 'shared' must be a non-empty array of variables");
    tf.dispose([w, x, ...Object.values(losses)]);
  });
});
