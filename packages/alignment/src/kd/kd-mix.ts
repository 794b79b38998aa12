import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { assertInRange, assertRank } from '../assert.js';

/**
 * The classic distillation mix (Hinton et al. 2015): alpha * softLoss + (1 - alpha) * hardLoss.
 * softLoss, hardLoss: scalars (e.g. `kdLoss` and the caller's CTC or cross-entropy); alpha in [0, 1].
 */
export function kdMix(softLoss: Tensor, hardLoss: Tensor, alpha: number): Scalar {
  const op = 'kdMix';
  assertRank(op, 'softLoss', softLoss, 0, 'a scalar');
  assertRank(op, 'hardLoss', hardLoss, 0, 'a scalar');
  assertInRange(op, 'alpha', alpha, 0, 1);
  return tf.tidy(() => tf.add(tf.mul(softLoss, alpha), tf.mul(hardLoss, 1 - alpha)) as Scalar);
}
