import { tf } from '@speechkd/tensor-backend';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';

/** Running count of matMul FLOPs of forward passes (2*m*n*k each), for benchmarks. */
export const flopCounter = { enabled: false, flops: 0 };

/** Counts a matMul of [m, k] x [k, n] (times `batch`) when the counter is enabled. */
export function countMatMul(m: number, k: number, n: number, batch = 1): void {
  if (flopCounter.enabled) flopCounter.flops += 2 * m * k * n * batch;
}

/** Throws an error naming the op and argument when `x` does not have rank `rank`. */
export function assertRank(x: Tensor, rank: number, op: string, arg: string): void {
  if (x.rank !== rank) throw new Error(`${op}: argument "${arg}" must have rank ${rank}, got shape [${x.shape.join(', ')}]`);
}

/**
 * matMul [m, k] x [k, n] (or batched [..., m, k] x [..., k, n]). A plain tf.matMul: its gradient uses
 * transposed and batched products, which @speechkd/tensor-backend makes fast on wasm (explicit transposes
 * and one XNNPACK product per matrix instead of wasm's scalar fallback).
 */
export function matMulFast(a: Tensor, b: Tensor): Tensor {
  return tf.matMul(a, b);
}

/** Transposes the last two axes. */
export function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = x.rank;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** Batched matMul [n, m, k] x [n, k, p] -> [n, m, p] (counted for the FLOP benchmark). */
export function batchMatMul(a: Tensor, b: Tensor): Tensor {
  const [n, m, k] = a.shape as number[];
  const p = (b.shape as number[])[2];
  countMatMul(m, k, p, n);
  return tf.matMul(a, b);
}

/** Affine map of the last axis: [..., in] x [in, out] + [out] -> [..., out]. */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const [inDim, outDim] = w.shape as number[];
  const lead = x.shape.slice(0, -1);
  const rows = x.size / inDim;
  countMatMul(rows, inDim, outDim);
  const y = matMulFast(tf.reshape(x, [rows, inDim]), w);
  const yb = b ? tf.add(y, b) : y;
  return tf.reshape(yb, [...lead, outDim]);
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gain + bias. */
export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

/** Swish / SiLU activation x * sigmoid(x). */
export function swish(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Dropout that is a no-op outside training; `seed` makes the mask reproducible. */
export function dropout(x: Tensor, rate: number, training: boolean, seed: number): Tensor {
  if (!training || rate <= 0) return x;
  // The mask (0 or 1/keep) is drawn on the host with mulberry32 inline: tf.dropout draws its uniforms
  // through seedrandom element by element, which cost ~10% of a student-s training step.
  const keep = 1 - rate;
  const threshold = Math.floor(keep * 4294967296);
  const scale = 1 / keep;
  const mask = new Float32Array(x.size);
  let state = seed >>> 0;
  for (let i = 0; i < mask.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if (((t ^ (t >>> 14)) >>> 0) < threshold) mask[i] = scale;
  }
  return tf.mul(x, tf.tensor(mask, x.shape));
}

/** Sinusoidal positional table [frames, dim] (Vaswani et al.). */
export function sinusoidalPositions(frames: number, dim: number): Tensor2D {
  const data = new Float32Array(frames * dim);
  for (let p = 0; p < frames; p++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = p / Math.pow(10000, i / dim);
      data[p * dim + i] = Math.sin(angle);
      if (i + 1 < dim) data[p * dim + i + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(data, [frames, dim]);
}

/** Frame mask [batch, frames] with 1 for valid and 0 for padded frames. */
export function lengthMask(lengths: ArrayLike<number>, frames: number): Tensor2D {
  const b = lengths.length;
  const data = new Float32Array(b * frames);
  for (let i = 0; i < b; i++) data.fill(1, i * frames, i * frames + Math.min(frames, lengths[i]));
  return tf.tensor2d(data, [b, frames]);
}
