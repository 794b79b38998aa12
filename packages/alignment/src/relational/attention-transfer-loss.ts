import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertOneOf, assertRank, assertSameDim } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { resolveMask } from '../mask.js';
import { reduceMasked, resolveReduction } from '../reduce.js';
import type { RelationalOptions } from './gram-loss.js';

/** Options for `attentionTransferLoss`. */
export interface AttentionTransferOptions extends RelationalOptions {
  /** 'kl' (default): KL(teacher row || student row) per query; 'mse': squared error per (query, key). */
  kind?: 'kl' | 'mse';
}

/** Probabilities are clamped at this before taking logs in the 'kl' variant. */
export const ATTENTION_EPS = 1e-12;

/**
 * Attention-map transfer (as in MiniLM / TinyBERT): studentAttn [batch, headsS, time, time] and
 * teacherAttn [batch, headsT, time, time] are attention probabilities (rows sum to 1 over valid keys).
 * If head counts differ both are averaged over heads first. Padded queries and keys (mask [batch, time])
 * are ignored. 'mean' averages over heads and valid queries ('kl') or valid (query, key) pairs ('mse');
 * 'none' gives [batch, heads, time] ('kl') or [batch, heads, time, time] ('mse').
 */
export function attentionTransferLoss(teacherAttn: Tensor, studentAttn: Tensor, options: AttentionTransferOptions = {}): Tensor {
  const op = 'attentionTransferLoss';
  const reduction = resolveReduction(op, options.reduction);
  const kind = options.kind ?? 'kl';
  assertOneOf(op, 'kind', kind, ['kl', 'mse'] as const);
  const layout = '[batch, heads, time, time]';
  assertRank(op, 'studentAttn', studentAttn, 4, layout);
  assertRank(op, 'teacherAttn', teacherAttn, 4, layout);
  assertNonEmpty(op, 'studentAttn', studentAttn);
  assertNonEmpty(op, 'teacherAttn', teacherAttn);
  assertSameDim(op, 'teacherAttn', teacherAttn, 0, 'studentAttn', studentAttn, 0, 'batch');
  for (const axis of [2, 3]) assertSameDim(op, 'teacherAttn', teacherAttn, axis, 'studentAttn', studentAttn, axis, 'time');
  if (studentAttn.shape[2] !== studentAttn.shape[3]) {
    throw new AlignmentError(op, 'studentAttn', `must be square over time (self-attention) but has shape [${studentAttn.shape.join(',')}]`);
  }
  return tf.tidy(() => {
    const [batch, , time] = studentAttn.shape;
    const mask = resolveMask(op, 'mask', options.mask, batch, time);
    let s = studentAttn;
    let t = teacherAttn;
    if (s.shape[1] !== t.shape[1]) {
      s = tf.mean(s, 1, true);
      t = tf.mean(t, 1, true);
    }
    const heads = s.shape[1] as number;
    const keyMask = tf.reshape(mask, [batch, 1, 1, time]);
    const queryMask = tf.mul(tf.ones([batch, heads, time]), tf.reshape(mask, [batch, 1, time]));
    if (kind === 'mse') {
      const pairMask = tf.mul(tf.expandDims(queryMask, 3), keyMask);
      return reduceMasked(tf.square(tf.sub(s, t)), pairMask, reduction);
    }
    const logRatio = tf.sub(tf.log(tf.maximum(t, ATTENTION_EPS)), tf.log(tf.maximum(s, ATTENTION_EPS)));
    const perQuery = tf.sum(tf.mul(tf.mul(t, logRatio), keyMask), 3);
    return reduceMasked(perQuery, queryMask, reduction);
  });
}
