import { hostValues, tf } from '@speechkd/tensor-backend';
import type { GradSaveFunc, Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Depthwise convolution along time with 'same' padding: x [b, t, d], w [K, d] (K odd) -> [b, t, d],
 * y[t, c] = sum_k x[t + k - (K-1)/2, c] * w[k, c]. The forward is one DepthwiseConv2dNative kernel; the
 * gradient is written here because wasm lacks DepthwiseConv2dNative's backprop kernels: dx is the same
 * convolution of dy with the time-reversed kernel, dw a product of shifted copies of x with dy summed over (b, t).
 */
export const depthwiseTimeConv: (x: Tensor, w: Tensor) => Tensor = tf.customGrad(((x: Tensor, w: Tensor, save: GradSaveFunc) => {
  save([x, w]);
  return {
    value: conv(x as Tensor3D, w),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sx, sw] = saved as [Tensor3D, Tensor];
      const [b, t, d] = sx.shape;
      const kSize = sw.shape[0] as number;
      const half = (kSize - 1) / 2;
      const dx = conv(dy as Tensor3D, tf.reverse(sw, 0));
      const padded = tf.pad(sx, [[0, 0], [half, half], [0, 0]]);
      const shifted: Tensor[] = [];
      for (let k = 0; k < kSize; k++) shifted.push(tf.slice(padded, [0, k, 0], [b, t, d]));
      const dw = tf.sum(tf.mul(tf.stack(shifted, 2), tf.expandDims(dy, 2)), [0, 1]);
      return [dx, dw];
    },
  };
}) as never) as (x: Tensor, w: Tensor) => Tensor;

function conv(x: Tensor3D, w: Tensor): Tensor {
  const [b, t, d] = x.shape;
  const kSize = w.shape[0] as number;
  const y = tf.depthwiseConv2d(tf.reshape(x, [b, t, 1, d]) as Tensor4D, tf.reshape(w, [kSize, 1, d, 1]) as Tensor4D, 1, 'same');
  return tf.reshape(y, [b, t, d]);
}

/**
 * Depthwise 3x3 convolution with stride 2 and no padding: x [b, T, F, c], w [9, c] (row kt * 3 + kf) ->
 * [b, floor((T-1)/2), floor((F-1)/2), c], y[t, f, ch] = sum_k x[2t + kt, 2f + kf, ch] * w[k, ch]. The forward
 * is one DepthwiseConv2dNative kernel. wasm has no backprop kernels for it: dx is the stride-1 convolution of
 * dy with zeros inserted between its rows and columns by the 180-degree-rotated kernel (again one forward
 * kernel), dw is summed on the host in one pass. (A chain of patch slices, pads and reductions took ~8% of
 * a training step and kept nine patch tensors alive for the backward pass.)
 */
export const depthwiseConv3x3s2: (x: Tensor, w: Tensor) => Tensor = tf.customGrad(((x: Tensor, w: Tensor, save: GradSaveFunc) => {
  save([x, w]);
  const [b, t, f, c] = x.shape as number[];
  const t2 = Math.max(0, Math.floor((t - 1) / 2));
  const f2 = Math.max(0, Math.floor((f - 1) / 2));
  const value = t2 === 0 || f2 === 0
    ? tf.zeros([b, t2, f2, c])
    : tf.depthwiseConv2d(x as Tensor4D, tf.reshape(w, [3, 3, c, 1]) as Tensor4D, 2, 'valid');
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sx, sw] = saved;
      if (t2 === 0 || f2 === 0) return [tf.zerosLike(sx), tf.zerosLike(sw)];
      // dy on the even positions of a [2*t2, 2*f2] grid, padded so the 'valid' convolution yields [t, f].
      const spread = tf.reshape(tf.pad(tf.reshape(dy, [b, t2, 1, f2, 1, c]), [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]), [b, 2 * t2, 2 * f2, c]);
      const framed = tf.pad(spread, [[0, 0], [2, t - 2 * t2], [2, f - 2 * f2], [0, 0]]) as Tensor4D;
      const dx = tf.depthwiseConv2d(framed, tf.reshape(tf.reverse(sw, 0), [3, 3, c, 1]) as Tensor4D, 1, 'valid');
      // Views into the backend's memory on wasm (16+ MB per step copied out before).
      const dw = depthwiseConv3x3s2WeightGrad(hostValues(sx), hostValues(dy), [b, t, f, c]);
      return [dx, tf.tensor2d(dw, [9, c])];
    },
  };
}) as never) as (x: Tensor, w: Tensor) => Tensor;

/**
 * Weight gradient of `depthwiseConv3x3s2` for x of shape [b, t, f, c]: dw[kt * 3 + kf, ch] = sum over (b, t', f')
 * of x[2t' + kt, 2f' + kf, ch] * dy[t', f', ch], summed per output row in float32 and across rows in float64.
 */
export function depthwiseConv3x3s2WeightGrad(x: Float32Array, dy: Float32Array, [b, t, f, c]: number[]): Float32Array {
  const t2 = Math.max(0, Math.floor((t - 1) / 2));
  const f2 = Math.max(0, Math.floor((f - 1) / 2));
  const acc = new Float64Array(9 * c);
  const row = new Float32Array(9 * c);
  for (let i = 0; i < b; i++) {
    for (let tt = 0; tt < t2; tt++) {
      row.fill(0);
      for (let kt = 0; kt < 3; kt++) {
        const r0 = kt * 3 * c;
        const r1 = r0 + c;
        const r2 = r1 + c;
        let g0 = (i * t2 + tt) * f2 * c;
        let x0 = (i * t + 2 * tt + kt) * f * c;
        for (let ff = 0; ff < f2; ff++, g0 += c, x0 += 2 * c) {
          for (let ch = 0; ch < c; ch++) {
            const g = dy[g0 + ch];
            row[r0 + ch] += x[x0 + ch] * g;
            row[r1 + ch] += x[x0 + c + ch] * g;
            row[r2 + ch] += x[x0 + 2 * c + ch] * g;
          }
        }
      }
      for (let k = 0; k < 9 * c; k++) acc[k] += row[k];
    }
  }
  return Float32Array.from(acc);
}
