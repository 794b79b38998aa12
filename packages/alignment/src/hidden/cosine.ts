import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Norms below this count as this (avoids 0/0 for all-zero vectors; same rule as torch's cosine_similarity). */
export const COSINE_EPS = 1e-8;

/** Cosine similarity along the last axis: a, b [..., dim] → [...]; each norm is clamped at COSINE_EPS. */
export function cosineSimilarity(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(a, b), -1);
    const eps2 = COSINE_EPS * COSINE_EPS;
    const na = tf.sqrt(tf.maximum(tf.sum(tf.square(a), -1), eps2));
    const nb = tf.sqrt(tf.maximum(tf.sum(tf.square(b), -1), eps2));
    return tf.div(dot, tf.mul(na, nb));
  });
}

/** Scales vectors to unit L2 norm along the last axis: [..., dim] → [..., dim] (norm clamped at COSINE_EPS). */
export function l2Normalize(x: Tensor): Tensor {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), COSINE_EPS * COSINE_EPS))));
}
