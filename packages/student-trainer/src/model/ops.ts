import { tensorFromHost, tf } from '@speechkd/tensor-backend';
import { fillBernoulli, mixSeed } from '@speechkd/random';
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
 * Batched matMul [n, m, k] x [n, k, p] -> [n, m, p] (counted for the FLOP benchmark). Matrix products are
 * plain tf.matMul everywhere: their gradients use transposed and batched products, which
 * @speechkd/tensor-backend makes fast on wasm.
 */
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
  const y = tf.matMul(tf.reshape(x, [rows, inDim]), w);
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

/**
 * Dropout that is a no-op outside training; `seed` makes the mask reproducible. x is [batch, ..., last]:
 * each row (item, middle indices) draws its mask from its own stream, seeded by the call's seed, the item's
 * key (`itemKeys[b]`, default its index) and the middle indices, so an utterance gets the same mask whatever
 * batch slice it sits in and however much padding follows it (data-parallel training splits batches).
 */
export function dropout(x: Tensor, rate: number, training: boolean, seed: number, itemKeys?: readonly number[]): Tensor {
  if (!training || rate <= 0) return x;
  // The mask (0 or 1/keep) is drawn on the host: tf.dropout draws its uniforms through seedrandom
  // element by element, which cost ~10% of a student-s training step.
  const keep = 1 - rate;
  const scale = 1 / keep;
  const shape = x.shape;
  const last = shape[shape.length - 1];
  const mid = shape.slice(1, -1);
  const rowsPerItem = mid.reduce((a, b) => a * b, 1);
  // Written straight into the backend's memory where it can be (tens of MB of host buffers per step otherwise).
  const mask = tensorFromHost(shape, (m) => {
    const idx = new Array<number>(mid.length).fill(0);
    let o = 0;
    for (let b = 0; b < shape[0]; b++) {
      const key = itemKeys ? itemKeys[b] : b;
      idx.fill(0);
      for (let r = 0; r < rowsPerItem; r++) {
        fillBernoulli(mixSeed(seed, key, ...idx), keep, m, o, last, scale);
        o += last;
        for (let a = idx.length - 1; a >= 0; a--) {
          if (++idx[a] < mid[a]) break;
          idx[a] = 0;
        }
      }
    }
  });
  return tf.mul(x, mask);
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
