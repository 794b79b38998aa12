import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { assertInt, assertRank, fmtShape } from './assert.js';
import { AlignmentError } from './errors.js';

// Convention for the whole package: a padded tensor [batch, time, ...] travels with a float32 mask
// [batch, time] holding 1 for valid frames and 0 for padding. Omitting the mask means "all valid".
// Padding frames must hold finite values (they are multiplied by 0, and NaN * 0 is NaN).

/** Builds a float32 mask [batch, maxLen] (1 = valid) from lengths [batch] (numbers or an int32 tensor). */
export function lengthsToMask(lengths: ArrayLike<number> | Tensor1D, maxLen: number): Tensor2D {
  const op = 'lengthsToMask';
  assertInt(op, 'maxLen', maxLen, 1);
  if (lengths instanceof tf.Tensor) {
    assertRank(op, 'lengths', lengths, 1, '[batch]', 'any');
    return tf.tidy(() => {
      const steps = tf.expandDims(tf.range(0, maxLen, 1, 'int32'), 0);
      return tf.cast(tf.less(steps, tf.expandDims(tf.cast(lengths, 'int32'), 1)), 'float32') as Tensor2D;
    });
  }
  const n = lengths.length;
  if (n === 0) throw new AlignmentError(op, 'lengths', 'is empty; pass at least one utterance');
  const data = new Float32Array(n * maxLen);
  for (let b = 0; b < n; b++) {
    const len = lengths[b];
    if (!Number.isInteger(len) || len < 0 || len > maxLen) {
      throw new AlignmentError(op, 'lengths', `[${b}] = ${len} must be an integer in [0, maxLen=${maxLen}]`);
    }
    data.fill(1, b * maxLen, b * maxLen + len);
  }
  return tf.tensor2d(data, [n, maxLen]);
}

/** Number of valid frames per utterance: mask [batch, time] → int32 [batch]. */
export function maskToLengths(mask: Tensor2D): Tensor1D {
  assertRank('maskToLengths', 'mask', mask, 2, '[batch, time]');
  return tf.tidy(() => tf.cast(tf.round(tf.sum(mask, 1)), 'int32') as Tensor1D);
}

/**
 * Validates an optional mask for `op` against [batch, time] and returns it, or an all-ones mask when
 * absent (the caller runs inside a tidy, which frees it).
 */
export function resolveMask(op: string, name: string, mask: Tensor | undefined, batch: number, time: number): Tensor2D {
  if (mask === undefined || mask === null) return tf.ones([batch, time]) as Tensor2D;
  assertRank(op, name, mask, 2, '[batch, time]');
  if (mask.shape[0] !== batch || mask.shape[1] !== time) {
    throw new AlignmentError(op, name, `has shape ${fmtShape(mask.shape)} but the data has [batch, time] = [${batch},${time}]`);
  }
  return mask as Tensor2D;
}
