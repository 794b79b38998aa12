import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair } from '../frames.js';
import { l2Normalize } from '../hidden/cosine.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';
import { matMul } from '../mat-mul.js';

/** Options for the relational losses. */
export interface RelationalOptions {
  /** Valid frames [batch, time]. */
  mask?: Tensor;
  /** 'mean' (default), 'sum', or 'none' (see each loss for the unreduced shape). */
  reduction?: Reduction;
}

/**
 * Frame-similarity (Gram-matrix) matching, as in similarity-preserving KD (Tung & Mori 2019): the
 * cosine-similarity matrices G = norm(x) norm(x)^T [batch, time, time] of student and teacher are
 * compared by squared error averaged over valid frame pairs. Widths may differ.
 * student [batch, time, dimS], teacher [batch, time, dimT]; 'none' gives [batch, time, time].
 */
export function gramLoss(teacher: Tensor, student: Tensor, options: RelationalOptions = {}): Tensor {
  const op = 'gramLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask } = framePair(op, 'teacher', teacher, 'student', student, options.mask, false);
    const gram = (x: Tensor) => {
      const n = l2Normalize(x);
      return matMul(n, n, false, true);
    };
    const pairMask = tf.mul(tf.expandDims(mask, 2), tf.expandDims(mask, 1));
    return reduceMasked(tf.square(tf.sub(gram(s), gram(t))), pairMask, reduction);
  });
}
