import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { framePair } from '../frames.js';
import { reduceItems, resolveReduction } from '../reduce.js';
import type { RelationalOptions } from './gram-loss.js';
import { matMul } from '../mat-mul.js';

/**
 * Linear CKA (Kornblith et al. 2019) per utterance over its valid frames:
 * ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) with Xc, Yc centered over valid frames.
 * x [batch, time, dimX], y [batch, time, dimY], mask [batch, time] → [batch] in [0, 1].
 */
export function linearCka(x: Tensor, y: Tensor, mask?: Tensor): Tensor {
  return tf.tidy(() => {
    const p = framePair('linearCka', 'x', x, 'y', y, mask, false);
    return ckaFromFrames(p.a, p.b, p.mask);
  });
}

function ckaFromFrames(x: Tensor, y: Tensor, mask: Tensor): Tensor {
  const m = tf.expandDims(mask, 2);
  const count = tf.maximum(tf.sum(m, 1, true), 1);
  const center = (z: Tensor) => tf.mul(tf.sub(z, tf.div(tf.sum(tf.mul(z, m), 1, true), count)), m);
  const xc = center(x);
  const yc = center(y);
  const frob2 = (a: Tensor, b: Tensor) => tf.sum(tf.square(matMul(a, b, true, false)), [1, 2]);
  const hxy = frob2(yc, xc);
  const denom = tf.mul(tf.sqrt(frob2(xc, xc)), tf.sqrt(frob2(yc, yc)));
  return tf.div(hxy, tf.maximum(denom, 1e-12));
}

/**
 * CKA loss: 1 - linearCka(student, teacher) per utterance, averaged over the batch. Widths may differ.
 * student [batch, time, dimS], teacher [batch, time, dimT], mask [batch, time]; 'none' gives [batch].
 */
export function ckaLoss(teacher: Tensor, student: Tensor, options: RelationalOptions = {}): Tensor {
  const op = 'ckaLoss';
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const { a: t, b: s, mask } = framePair(op, 'teacher', teacher, 'student', student, options.mask, false);
    return reduceItems(tf.sub(1, ckaFromFrames(s, t, mask)), reduction);
  });
}
