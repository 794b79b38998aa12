import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { assertOneOf } from './assert.js';

/** How a loss reduces its per-frame (or per-item) values: mean over valid entries, their sum, or none. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The accepted reductions, for validation. */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Validates `reduction` (default 'mean') for `op`. */
export function resolveReduction(op: string, reduction: Reduction | undefined): Reduction {
  const r = reduction ?? 'mean';
  assertOneOf(op, 'reduction', r, REDUCTIONS);
  return r;
}

/**
 * The shared masked reducer: values [batch, time] and mask [batch, time] (1 = valid) →
 * 'mean': sum(values * mask) / max(sum(mask), 1) (a scalar; 0 when nothing is valid),
 * 'sum': sum(values * mask), 'none': values * mask [batch, time].
 */
export function reduceMasked(values: Tensor, mask: Tensor, reduction: Reduction): Tensor {
  return tf.tidy(() => {
    const masked = tf.mul(values, mask);
    if (reduction === 'none') return masked;
    const total = tf.sum(masked);
    if (reduction === 'sum') return total;
    return tf.div(total, tf.maximum(tf.sum(mask), 1));
  });
}

/** Reduces per-item values [batch] (no mask): mean, sum, or none. */
export function reduceItems(values: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return values;
  return tf.tidy(() => (reduction === 'sum' ? tf.sum(values) : tf.mean(values)));
}

/** Masked mean over time: x [batch, time, dim], mask [batch, time] → [batch, dim] (zeros for empty items). */
export function maskedMeanPool(x: Tensor, mask: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const m = tf.expandDims(mask, 2);
    const total = tf.sum(tf.mul(x, m), 1);
    return tf.div(total, tf.maximum(tf.sum(m, 1), 1)) as Tensor2D;
  });
}
