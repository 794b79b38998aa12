import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair, unframe } from '../frames.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import type { HiddenLossOptions } from './l1-loss.js';

/**
 * Mean squared error: mean over dims of (student - teacher)^2 per frame, averaged over valid frames.
 * student, teacher: [batch, time, dim] (or [batch, dim]).
 */
export function mseLoss(teacher: Tensor, student: Tensor, options: HiddenLossOptions = {}): Tensor {
  const op = 'mseLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask, itemwise } = framePair(op, 'teacher', teacher, 'student', student, options.mask);
    const perFrame = tf.mean(tf.square(tf.sub(s, t)), -1);
    return unframe(reduceMasked(perFrame, mask, reduction), itemwise);
  });
}
