import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertOneOf, assertRank, assertSameDim } from '../assert.js';
import { HIDDEN_LOSS_KINDS, hiddenLoss } from '../hidden/hidden-loss.js';
import type { HiddenLossKind } from '../hidden/hidden-loss.js';
import { resolveMask } from '../mask.js';
import { maskedMeanPool, resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';

/** Options for `pooledMatchLoss`. */
export interface PooledMatchOptions {
  /** Distance between the pooled vectors (default 'cosine'). */
  loss?: HiddenLossKind;
  /** 'mean' over the batch (default), 'sum', or 'none' ([batch]). */
  reduction?: Reduction;
}

/** Masked mean over time with validation: x [batch, time, dim], mask [batch, time] → [batch, dim]. */
export function meanPool(x: Tensor, mask?: Tensor): Tensor {
  const op = 'meanPool';
  assertRank(op, 'x', x, 3, '[batch, time, dim]');
  assertNonEmpty(op, 'x', x);
  return tf.tidy(() => maskedMeanPool(x, resolveMask(op, 'mask', mask, x.shape[0], x.shape[1] as number)));
}

/**
 * Utterance-level matching across modalities: the teacher's token states [batch, tokens, dim] and the
 * student's frames [batch, frames, dim] are mean-pooled over their valid steps, then compared
 * (widths must match: project the student first). Masks: [batch, tokens] and [batch, frames].
 */
export function pooledMatchLoss(
  teacher: Tensor,
  teacherMask: Tensor | undefined,
  student: Tensor,
  studentMask: Tensor | undefined,
  options: PooledMatchOptions = {},
): Tensor {
  const op = 'pooledMatchLoss';
  const kind = options.loss ?? 'cosine';
  assertOneOf(op, 'loss', kind, HIDDEN_LOSS_KINDS);
  const reduction = resolveReduction(op, options.reduction);
  assertRank(op, 'teacher', teacher, 3, '[batch, tokens, dim]');
  assertRank(op, 'student', student, 3, '[batch, frames, dim]');
  assertSameDim(op, 'teacher', teacher, 0, 'student', student, 0, 'batch');
  assertSameDim(op, 'teacher', teacher, 2, 'student', student, 2, 'dim');
  return tf.tidy(() => {
    const t = meanPool(teacher, teacherMask);
    const s = meanPool(student, studentMask);
    return hiddenLoss(kind, t, s, { reduction });
  });
}
