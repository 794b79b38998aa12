import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertPositive, assertRank, assertSameShape } from '../assert.js';
import { l2Normalize } from '../hidden/cosine.js';
import { reduceItems, resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';
import { matMul } from '../mat-mul.js';

/** Options for `infoNceLoss`. */
export interface InfoNceOptions {
  /** Softmax temperature > 0 (default 0.07), or a scalar tensor (e.g. a learned exp(logTau)). */
  temperature?: number | Tensor;
  /** Average the speech→text and text→speech directions (default true); false: speech→text only. */
  symmetric?: boolean;
  /** 'mean' over the batch (default), 'sum', or 'none' ([batch]). */
  reduction?: Reduction;
}

/**
 * Contrastive InfoNCE across the batch (CLIP-style): item i's speech embedding must pick its own text
 * embedding among all texts of the batch. logits = norm(speech) · norm(text)^T / temperature [batch, batch];
 * cross-entropy against the diagonal. textEmb, speechEmb: [batch, dim] (pool and project first).
 */
export function infoNceLoss(textEmb: Tensor, speechEmb: Tensor, options: InfoNceOptions = {}): Tensor {
  const op = 'infoNceLoss';
  const reduction = resolveReduction(op, options.reduction);
  const temperature = options.temperature ?? 0.07;
  if (typeof temperature === 'number') assertPositive(op, 'temperature', temperature);
  else assertRank(op, 'temperature', temperature, 0, 'a scalar');
  assertRank(op, 'textEmb', textEmb, 2, '[batch, dim]');
  assertRank(op, 'speechEmb', speechEmb, 2, '[batch, dim]');
  assertSameShape(op, 'textEmb', textEmb, 'speechEmb', speechEmb);
  assertNonEmpty(op, 'speechEmb', speechEmb);
  return tf.tidy(() => {
    const logits = tf.div(matMul(l2Normalize(speechEmb), l2Normalize(textEmb), false, true), temperature);
    const eye = tf.eye(textEmb.shape[0]);
    const ce = (l: Tensor) => tf.neg(tf.sum(tf.mul(tf.logSoftmax(l), eye), 1));
    const perItem = options.symmetric === false ? ce(logits) : tf.mul(tf.add(ce(logits), ce(tf.transpose(logits))), 0.5);
    return reduceItems(perItem, reduction);
  });
}
