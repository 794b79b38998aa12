import { tf } from '@speechkd/tensor-backend';
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
