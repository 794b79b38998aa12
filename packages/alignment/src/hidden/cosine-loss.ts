import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair, unframe } from '../frames.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import { cosineSimilarity } from './cosine.js';
import type { HiddenLossOptions } from './l1-loss.js';

/**
 * Cosine distance: 1 - cos(student, teacher) per frame, averaged over valid frames.
 * student, teacher: [batch, time, dim] (or [batch, dim]).
 */
export function cosineLoss(teacher: Tensor, student: Tensor, options: HiddenLossOptions = {}): Tensor {
  const op = 'cosineLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask, itemwise } = framePair(op, 'teacher', teacher, 'student', student, options.mask);
    const perFrame = tf.sub(1, cosineSimilarity(s, t));
    return unframe(reduceMasked(perFrame, mask, reduction), itemwise);
  });
}
