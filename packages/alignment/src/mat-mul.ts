import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

// Two measured slow paths of tfjs-backend-wasm 4.22's BatchMatMul (2 cores, busy machine):
// - a transpose flag is 10-20x slower than an explicit transpose plus a plain product
//   ([3200,256]x[256,144]^T: 453 ms vs ~45 ms), and MatMul's registered gradient uses those flags;
// - a batch of more than one matrix is ~15x slower than the same products one matrix at a time
//   (8 x [400,800]x[800,256]: 4245 ms batched vs 274 ms as eight 2D products).
// This product transposes explicitly and multiplies batch by batch, in the forward pass and in its
// gradient, so both stay on the fast path on wasm; other backends get the same results.

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
  return tf.transpose(x, perm);
}

/** Up to this many matrices are multiplied one by one (measured at batch 8; 32 attention heads were not faster). */
const PER_MATRIX_MAX = 16;

/** a [..., m, k] · b [..., k, n] with equal leading dims, one 2D product per leading index. */
function perMatrix(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 2) return tf.matMul(a, b);
  const lead = a.shape.slice(0, -2);
  const count = lead.reduce((p, d) => p * d, 1);
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.rank - 1];
  if (count === 1) return tf.reshape(tf.matMul(tf.reshape(a, [m, k]), tf.reshape(b, [k, n])), [...lead, m, n]);
  // Many small matrices (e.g. attention heads): the per-matrix slicing costs more than it saves.
  if (count > PER_MATRIX_MAX) return tf.matMul(a, b);
  const as = tf.unstack(tf.reshape(a, [count, m, k]));
  const bs = tf.unstack(tf.reshape(b, [count, k, n]));
  return tf.reshape(tf.stack(as.map((x, i) => tf.matMul(x, bs[i]))), [...lead, m, n]);
}

const plainProduct = tf.customGrad(((a: Tensor, b: Tensor, save: (ts: Tensor[]) => void) => {
  save([a, b]);
  return {
    value: perMatrix(a, b),
    gradFunc: (dy: Tensor, saved: Tensor[]) => [perMatrix(dy, swapLast(saved[1])), perMatrix(swapLast(saved[0]), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: Tensor, b: Tensor) => Tensor;

/**
 * Matrix product a · b (optionally transposing the last two axes of either) for operands of equal
 * rank >= 2 and equal leading dims; same result as tf.matMul, but fast forward and backward on wasm.
 */
export function matMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.rank !== b.rank || a.rank < 2 || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) {
    throw new Error(`matMul: operands need equal rank >= 2 and equal leading dims, got [${a.shape}] and [${b.shape}]`);
  }
  return tf.tidy(() => plainProduct(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b));
}
