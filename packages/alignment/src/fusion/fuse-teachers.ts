import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertPositive, assertRank, assertSameShape, fmtShape } from '../assert.js';
import { AlignmentError } from '../errors.js';

/** Per-teacher weights: [batch, K], [batch, time, K] (e.g. from a TeacherGate), or K fixed numbers. */
export type TeacherWeights = Tensor | readonly number[];

function checkTargets(op: string, targets: readonly Tensor[]): void {
  if (!Array.isArray(targets) || targets.length === 0) throw new AlignmentError(op, 'targets', 'must be a non-empty array of teacher tensors');
  targets.forEach((t, k) => {
    assertRank(op, `targets[${k}]`, t, 3, '[batch, time, dim]');
    assertNonEmpty(op, `targets[${k}]`, t);
    if (k > 0) assertSameShape(op, `targets[${k}]`, t, 'targets[0]', targets[0]);
  });
}

/** Returns weights as K tensors broadcastable to [batch, time, 1]. Call inside a tidy. */
function weightColumns(op: string, weights: TeacherWeights, targets: readonly Tensor[]): Tensor[] {
  const K = targets.length;
  const [batch, time] = targets[0].shape;
  if (!(weights instanceof tf.Tensor)) {
    if (!Array.isArray(weights) || weights.length !== K || weights.some((w) => !Number.isFinite(w) || w < 0)) {
      throw new AlignmentError(op, 'weights', `must be ${K} finite numbers >= 0 (one per teacher), got ${JSON.stringify(weights)}`);
    }
    return weights.map((w) => tf.scalar(w));
  }
  assertRank(op, 'weights', weights, [2, 3], '[batch, K] or [batch, time, K]');
  const want = weights.rank === 2 ? [batch, K] : [batch, time, K];
  if (weights.shape.some((d, i) => d !== want[i])) {
    throw new AlignmentError(op, 'weights', `has shape ${fmtShape(weights.shape)} but ${K} teachers of shape ${fmtShape(targets[0].shape)} need ${fmtShape(want)}`);
  }
  const cols = tf.split(weights, K, -1);
  return weights.rank === 2 ? cols.map((c) => tf.reshape(c, [batch, 1, 1])) : cols;
}

/**
 * Multi-teacher soft targets: sum_k w_k * softmax(teacherLogits_k / T) → probabilities [batch, time, classes]
 * (weights per input should sum to 1; a gate's softmax does). Feed the result to `kdLossFromProbs`
 * with the same temperature. targets: K tensors [batch, time, classes].
 */
export function fuseTeacherLogits(targets: readonly Tensor[], weights: TeacherWeights, temperature = 1): Tensor {
  const op = 'fuseTeacherLogits';
  assertPositive(op, 'temperature', temperature);
  checkTargets(op, targets);
  return tf.tidy(() => {
    const w = weightColumns(op, weights, targets);
    return tf.addN(targets.map((t, k) => tf.mul(tf.softmax(tf.div(t, temperature), -1), w[k])));
  });
}

/**
 * Multi-teacher hidden targets: sum_k w_k * states_k → [batch, time, dim]. targets: K tensors
 * [batch, time, dim] of one width (project teachers of other widths first).
 */
export function fuseTeacherStates(targets: readonly Tensor[], weights: TeacherWeights): Tensor {
  const op = 'fuseTeacherStates';
  checkTargets(op, targets);
  return tf.tidy(() => {
    const w = weightColumns(op, weights, targets);
    return tf.addN(targets.map((t, k) => tf.mul(t, w[k])));
  });
}
