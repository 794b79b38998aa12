import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertPositive } from '../assert.js';
import { framePair, unframe } from '../frames.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';

/** Options for `kdLoss` and `kdLossFromProbs`. */
export interface KdLossOptions {
  /** Softening temperature T > 0 (default 3). */
  temperature?: number;
  /** Valid frames [batch, time] (1 = valid); omit when nothing is padded. */
  mask?: Tensor;
  /** 'mean' over valid frames (default), 'sum', or 'none' ([batch, time] per-frame values). */
  reduction?: Reduction;
}

/** The default softening temperature (Hinton et al. 2015 use 1-20; 3 suits CTC posteriors). */
export const DEFAULT_TEMPERATURE = 3;

/**
 * Soft-target distillation (Hinton et al. 2015): T^2 * KL(softmax(teacher/T) || softmax(student/T)),
 * summed over classes per frame and averaged over valid frames.
 * teacherLogits, studentLogits: [batch, time, classes] (or [batch, classes]); mask [batch, time].
 */
export function kdLoss(teacherLogits: Tensor, studentLogits: Tensor, options: KdLossOptions = {}): Tensor {
  const op = 'kdLoss';
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE;
  assertPositive(op, 'temperature', temperature);
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask, itemwise } = framePair(op, 'teacherLogits', teacherLogits, 'studentLogits', studentLogits, options.mask);
    const logP = tf.logSoftmax(tf.div(t, temperature));
    const logQ = tf.logSoftmax(tf.div(s, temperature));
    const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1);
    const perFrame = tf.mul(kl, temperature * temperature);
    return unframe(reduceMasked(perFrame, mask, reduction), itemwise);
  });
}

/**
 * Soft-target distillation against teacher probabilities that are already softened (for example a
 * fusion of several teachers): T^2 * KL(p || softmax(student/T)), with 0 * log 0 = 0.
 * teacherProbs, studentLogits: [batch, time, classes] (or [batch, classes]); mask [batch, time].
 */
export function kdLossFromProbs(teacherProbs: Tensor, studentLogits: Tensor, options: KdLossOptions = {}): Tensor {
  const op = 'kdLossFromProbs';
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE;
  assertPositive(op, 'temperature', temperature);
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: p, b: s, mask, itemwise } = framePair(op, 'teacherProbs', teacherProbs, 'studentLogits', studentLogits, options.mask);
    const logQ = tf.logSoftmax(tf.div(s, temperature));
    // p * log p with p = 0 contributes 0; the clamp only keeps log finite there.
    const logP = tf.log(tf.maximum(p, 1e-30));
    const kl = tf.sum(tf.mul(p, tf.sub(logP, logQ)), -1);
    return unframe(reduceMasked(tf.mul(kl, temperature * temperature), mask, reduction), itemwise);
  });
}
