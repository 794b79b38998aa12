import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair, unframe } from '../frames.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import { cosineSimilarity } from './cosine.js';
import type { HiddenLossOptions } from './l1-loss.js';

/**
 * DistilHuBERT's similarity term: -log(sigmoid(cos(student, teacher))) per frame, averaged over valid
 * frames (Chang et al. 2022). student, teacher: [batch, time, dim] (or [batch, dim]).
 */
export function logSigmoidCosineLoss(teacher: Tensor, student: Tensor, options: HiddenLossOptions = {}): Tensor {
  const op = 'logSigmoidCosineLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask, itemwise } = framePair(op, 'teacher', teacher, 'student', student, options.mask);
    // -log(sigmoid(c)) = softplus(-c); tf.logSigmoid's custom gradient fails under tf.grad in tfjs 4.22.
    const perFrame = tf.softplus(tf.neg(cosineSimilarity(s, t)));
    return unframe(reduceMasked(perFrame, mask, reduction), itemwise);
  });
}
