import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertInRange, assertNonEmpty, assertPositive, assertRank } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { resolveMask } from '../mask.js';
import { reduceMasked } from '../reduce.js';

/** Mean entropy (nats) of softmax(logits / T) over valid frames: logits [batch, time, classes], mask [batch, time]. */
export function meanSoftmaxEntropy(logits: Tensor, temperature: number, mask?: Tensor): number {
  const op = 'meanSoftmaxEntropy';
  assertRank(op, 'logits', logits, 3, '[batch, time, classes]');
  assertNonEmpty(op, 'logits', logits);
  assertPositive(op, 'temperature', temperature);
  const t = tf.tidy(() => {
    const m = resolveMask(op, 'mask', mask, logits.shape[0], logits.shape[1] as number);
    const logP = tf.logSoftmax(tf.div(logits, temperature));
    const h = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), -1));
    return reduceMasked(h, m, 'mean');
  });
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** Options for `adaptiveTemperature`. */
export interface AdaptiveTemperatureOptions {
  /** Wanted mean entropy of the softened teacher, as a fraction of log(classes) (default 0.5). */
  targetEntropy?: number;
  /** Search range for T (default [1, 10]). */
  min?: number;
  max?: number;
  /** Valid frames [batch, time]. */
  mask?: Tensor;
  /** Bisection steps (default 20; the result is within (max - min) / 2^steps). */
  iterations?: number;
}

/**
 * Adaptive temperature driven by teacher entropy: the T in [min, max] at which the teacher's softened
 * posteriors softmax(teacherLogits / T) reach a mean entropy of targetEntropy * log(classes) over valid
 * frames (entropy grows with T, so bisection finds it; confident teachers get a higher T, uncertain ones
 * a lower T). teacherLogits [batch, time, classes]. Reads values back to the CPU: call it once per batch.
 */
export function adaptiveTemperature(teacherLogits: Tensor, options: AdaptiveTemperatureOptions = {}): number {
  const op = 'adaptiveTemperature';
  const target = options.targetEntropy ?? 0.5;
  assertInRange(op, 'targetEntropy', target, 0, 1);
  let lo = options.min ?? 1;
  let hi = options.max ?? 10;
  assertPositive(op, 'min', lo);
  assertPositive(op, 'max', hi);
  if (hi < lo) throw new AlignmentError(op, 'max', `(${hi}) must be >= min (${lo})`);
  assertRank(op, 'teacherLogits', teacherLogits, 3, '[batch, time, classes]');
  const want = target * Math.log(teacherLogits.shape[2] as number);
  const iterations = options.iterations ?? 20;
  for (let i = 0; i < iterations; i++) {
    const mid = 0.5 * (lo + hi);
    if (meanSoftmaxEntropy(teacherLogits, mid, options.mask) < want) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
