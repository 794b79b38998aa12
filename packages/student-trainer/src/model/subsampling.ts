import { hostValues, tensorFromHost, tf } from '@speechkd/tensor-backend';
import type { ModelConfig } from './config.js';
import type { ParamStore } from './params.js';
import { countMatMul, linear } from './ops.js';
import type { Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import { depthwiseConv3x3s2 } from './depthwise-conv.js';

/** 3x3 stride-2 valid patches of features [b, T, F] as a [b*T'*F', 9] matrix (rows ordered b, t', f'). */
export function inputPatches(x: Tensor3D): { patches: Tensor2D; t1: number; f1: number } {
  const [b, t, f] = x.shape;
  const t1 = Math.max(0, Math.floor((t - 1) / 2));
  const f1 = Math.floor((f - 1) / 2);
  // Read and written in the backend's memory where it can be (no host copies of the batch per step).
  const patches = tensorFromHost([b * t1 * f1, 9], (out) => {
    const src = hostValues(x);
    let o = 0;
    for (let i = 0; i < b; i++) {
      for (let tt = 0; tt < t1; tt++) {
        for (let ff = 0; ff < f1; ff++) {
          for (let kt = 0; kt < 3; kt++) {
            const row = (i * t + 2 * tt + kt) * f + 2 * ff;
            out[o++] = src[row];
            out[o++] = src[row + 1];
            out[o++] = src[row + 2];
          }
        }
      }
    }
  });
  return { patches: patches as Tensor2D, t1, f1 };
}

/** Creates the subsampling parameters: full 3x3 conv (1 -> C), depthwise 3x3 + pointwise (C -> C), projection to dim. */
export function initSubsampling(p: ParamStore, cfg: ModelConfig): void {
  const c = cfg.subsamplingChannels;
  const f2 = Math.floor((Math.floor((cfg.numMelBins - 1) / 2) - 1) / 2);
  p.glorot('sub/conv1/w', [9, c], 9, 9 * c);
  p.constant('sub/conv1/b', [c], 0);
  p.glorot('sub/dw2/w', [9, c], 9, 9);
  p.constant('sub/dw2/b', [c], 0);
  p.glorot('sub/pw2/w', [c, c]);
  p.constant('sub/pw2/b', [c], 0);
  p.glorot('sub/proj/w', [c * f2, cfg.dim]);
  p.constant('sub/proj/b', [cfg.dim], 0);
}

/** x4 convolutional subsampling: features [batch, T, bins] -> [batch, T/4, dim]. */
export function subsample(p: ParamStore, x: Tensor3D): Tensor3D {
  const b = x.shape[0];
  const c = p.get('sub/conv1/b').shape[0];
  // Conv 1 (one input channel): its 9 patches are gathered on the host (the features need no gradient,
  // and wasm slices with one-element inner blocks are slow), then one matMul. Its weight gradient
  // patches^T x dy (inner dimension ~60k) runs near the matMul peak in @speechkd/tensor-backend's kernel.
  const { patches, t1, f1 } = inputPatches(x);
  countMatMul(b * t1 * f1, 9, c);
  const h1 = tf.relu(tf.reshape(tf.add(tf.matMul(patches, p.get('sub/conv1/w')), p.get('sub/conv1/b')), [b, t1, f1, c])) as Tensor4D;
  // Conv 2, depthwise-separable: per-channel 3x3 stride 2, then pointwise.
  const dw = tf.add(depthwiseConv3x3s2(h1, p.get('sub/dw2/w')), p.get('sub/dw2/b'));
  const h2 = tf.relu(linear(dw, p.get('sub/pw2/w'), p.get('sub/pw2/b')));
  const [, t2, f2] = h2.shape;
  return linear(tf.reshape(h2, [b, t2, f2 * c]), p.get('sub/proj/w'), p.get('sub/proj/b')) as Tensor3D;
}
