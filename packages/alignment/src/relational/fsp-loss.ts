import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertSameShape } from '../assert.js';
import { framePair } from '../frames.js';
import { reduceItems, resolveReduction } from '../reduce.js';
import type { RelationalOptions } from './gram-loss.js';
import { matMul } from '../mat-mul.js';

/** The FSP matrix A^T B / validFrames: a [batch, time, dimA], b [batch, time, dimB], mask [batch, time] → [batch, dimA, dimB]. */
export function fspMatrix(a: Tensor, b: Tensor, mask: Tensor): Tensor {
  return tf.tidy(() => {
    const am = tf.mul(a, tf.expandDims(mask, 2));
    const count = tf.reshape(tf.maximum(tf.sum(mask, 1), 1), [-1, 1, 1]);
    return tf.div(matMul(am, b, true, false), count);
  });
}

/**
 * Flow-of-solution-procedure matching (Yim et al. 2017): squared error between the student's FSP
 * matrix of layers (A, B) and the teacher's. teacherA/studentA [batch, time, dimA], teacherB/studentB
 * [batch, time, dimB] (project the student first if widths differ); 'none' gives [batch].
 */
export function fspLoss(
  teacherA: Tensor,
  teacherB: Tensor,
  studentA: Tensor,
  studentB: Tensor,
  options: RelationalOptions = {},
): Tensor {
  const op = 'fspLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const s = framePair(op, 'studentA', studentA, 'studentB', studentB, options.mask, false);
    const t = framePair(op, 'teacherA', teacherA, 'teacherB', teacherB, options.mask, false);
    assertSameShape(op, 'teacherA', t.a, 'studentA', s.a);
    assertSameShape(op, 'teacherB', t.b, 'studentB', s.b);
    const diff = tf.sub(fspMatrix(s.a, s.b, s.mask), fspMatrix(t.a, t.b, t.mask));
    return reduceItems(tf.mean(tf.square(diff), [1, 2]), reduction);
  });
}
