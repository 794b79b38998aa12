import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertRank } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { resolveMask } from '../mask.js';
import { matMul } from '../mat-mul.js';

/**
 * Linear interpolation weights [batch, outTime, inTime] mapping each utterance's valid input frames
 * onto its valid output frames (centre-aligned, like torch `interpolate(mode='linear',
 * align_corners=False)` per utterance); rows of padded output frames are zero.
 * inMask [batch, inTime], outMask [batch, outTime].
 */
export function resampleWeights(inMask: Tensor, outMask: Tensor): Tensor3D {
  return tf.tidy(() => {
    const [batch, inTime] = inMask.shape as number[];
    const outTime = outMask.shape[1] as number;
    const inLen = tf.reshape(tf.maximum(tf.sum(inMask, 1), 1), [batch, 1, 1]);
    const outLen = tf.reshape(tf.maximum(tf.sum(outMask, 1), 1), [batch, 1, 1]);
    const j = tf.reshape(tf.range(0, outTime), [1, outTime, 1]);
    // Source position of output frame j: (j + 0.5) * in/out - 0.5, clamped to the valid input range.
    const pos = tf.sub(tf.mul(tf.add(j, 0.5), tf.div(inLen, outLen)), 0.5);
    const clamped = tf.minimum(tf.maximum(pos, 0), tf.sub(inLen, 1));
    const i = tf.reshape(tf.range(0, inTime), [1, 1, inTime]);
    // The hat function max(0, 1 - |pos - i|) is exactly the two-tap linear interpolation weight.
    const w = tf.relu(tf.sub(1, tf.abs(tf.sub(clamped, i))));
    return tf.mul(tf.mul(w, tf.reshape(inMask, [batch, 1, inTime])), tf.reshape(outMask, [batch, outTime, 1])) as Tensor3D;
  });
}

/**
 * Monotonic time resampling for frame-rate mismatch (e.g. a 20 ms teacher against a 40 ms student):
 * each utterance's valid frames of x [batch, inTime, dim] (inMask [batch, inTime]) are stretched
 * linearly onto the valid frames of outMask [batch, outTime] → [batch, outTime, dim], zero at padding.
 * Differentiable with respect to x.
 */
export function resampleTime(x: Tensor, inMask: Tensor | undefined, outMask: Tensor): Tensor3D {
  const op = 'resampleTime';
  assertRank(op, 'x', x, 3, '[batch, inTime, dim]');
  assertNonEmpty(op, 'x', x);
  assertRank(op, 'outMask', outMask, 2, '[batch, outTime]');
  if (outMask.shape[0] !== x.shape[0]) {
    throw new AlignmentError(op, 'outMask', `has batch ${outMask.shape[0]} but 'x' has ${x.shape[0]}`);
  }
  assertNonEmpty(op, 'outMask', outMask);
  return tf.tidy(() => {
    const inM = resolveMask(op, 'inMask', inMask, x.shape[0], x.shape[1] as number);
    return matMul(resampleWeights(inM, outMask), x) as Tensor3D;
  });
}
