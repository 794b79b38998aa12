import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair, unframe } from '../frames.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';

/** Options shared by the hidden-state losses. */
export interface HiddenLossOptions {
  /** Valid frames [batch, time] (1 = valid), or [batch] for [batch, dim] inputs; omit when nothing is padded. */
  mask?: Tensor;
  /** 'mean' over valid frames (default), 'sum' over them, or 'none' ([batch, time]). */
  reduction?: Reduction;
}

/**
 * L1 distance: mean over dims of |student - teacher| per frame, then averaged over valid frames.
 * student, teacher: [batch, time, dim] (or [batch, dim]).
 */
export function l1Loss(teacher: Tensor, student: Tensor, options: HiddenLossOptions = {}): Tensor {
  const op = 'l1Loss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask, itemwise } = framePair(op, 'teacher', teacher, 'student', student, options.mask);
    const perFrame = tf.mean(tf.abs(tf.sub(s, t)), -1);
    return unframe(reduceMasked(perFrame, mask, reduction), itemwise);
  });
}
