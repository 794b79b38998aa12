import { tf } from '@speechkd/tensor-backend';
import type { ModelConfig } from './config.js';
import type { ParamStore } from './params.js';
import { countMatMul, linear } from './ops.js';
import type { GradSaveFunc, Tensor, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * The nine 3x3 stride-2 "valid" patches of x [batch, T, F, C], each [batch, T', F', C] with
 * T' = floor((T-1)/2). Built from pad + reshape + rank-3 slices only: these have gradients on every
 * backend (wasm lacks the Conv2D filter gradient) and stay on wasm's fast slice path (rank > 3 is slow).
 */
export function patches3x3s2(x: Tensor4D): Tensor4D[] {
  const [b, t, f, c] = x.shape;
  const t1 = Math.floor((t - 1) / 2);
  const f1 = Math.floor((f - 1) / 2);
  const fp = 2 * (f1 + 1);
  const tp = 2 * (t1 + 1);
  // Pads as rank-3 tensors too: the gradient of a rank-4 pad is a (slow) rank-4 slice on wasm.
  const padT = tf.pad(tf.reshape(x, [b, t, f * c]), [[0, 0], [0, tp - t], [0, 0]]);
  const padF = tf.pad(tf.reshape(padT, [b * tp, f, c]), [[0, 0], [0, fp - f], [0, 0]]);
  const rows = tf.reshape(padF, [b, t1 + 1, 2 * fp * c]); // frame pairs side by side
  const out: Tensor4D[] = [];
  for (let kt = 0; kt < 3; kt++) {
    const r = tf.slice(rows, [0, kt === 2 ? 1 : 0, (kt % 2) * fp * c], [b, t1, fp * c]);
    const cols = tf.reshape(r, [b * t1, f1 + 1, 2 * c]); // bin pairs side by side
    for (let kf = 0; kf < 3; kf++) {
      const s = tf.slice(cols, [0, kf === 2 ? 1 : 0, (kf % 2) * c], [b * t1, f1, c]);
      out.push(tf.reshape(s, [b, t1, f1, c]));
    }
  }
  return out;
}

/** 3x3 stride-2 valid patches of features [b, T, F] as a [b*T'*F', 9] matrix (rows ordered b, t', f'). */
export function inputPatches(x: Tensor3D): { patches: Tensor2D; t1: number; f1: number } {
  const [b, t, f] = x.shape;
  const t1 = Math.max(0, Math.floor((t - 1) / 2));
  const f1 = Math.floor((f - 1) / 2);
  const src = x.dataSync();
  const out = new Float32Array(b * t1 * f1 * 9);
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
  return { patches: tf.tensor2d(out, [b * t1 * f1, 9]), t1, f1 };
}

/** Rows per block of the weight gradient in `patchProduct`. */
const GRAD_BLOCK = 4096;

/**
 * patches [N, 9] x w [9, C] for the first convolution (the patches need no gradient). The weight gradient
 * patches^T x dy has a tiny output and a huge inner dimension (N = batch x T/2 x F/2, ~60k), which matMul
 * kernels run far below their peak (~0.5 GFLOP/s on wasm); summing products over row blocks that fit the
 * cache is several times faster.
 */
function patchProduct(patches: Tensor2D, w: Tensor): Tensor {
  // The patches are saved (the forward pass runs in its own scope): a shared buffer, not a copy, on wasm.
  const f = tf.customGrad(((pt: Tensor2D, wt: Tensor, save: GradSaveFunc) => {
    save([pt]);
    return {
      value: tf.matMul(pt, wt),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const patches = saved[0] as Tensor2D;
        const n = patches.shape[0];
        const parts: Tensor[] = [];
        for (let r = 0; r < n; r += GRAD_BLOCK) {
          const rows = Math.min(GRAD_BLOCK, n - r);
          parts.push(tf.matMul(tf.slice(patches, [r, 0], [rows, 9]), tf.slice(dy as Tensor2D, [r, 0], [rows, (dy as Tensor2D).shape[1]]), true, false));
        }
        return [tf.zerosLike(patches), parts.length === 1 ? parts[0] : tf.addN(parts)];
      },
    };
  }) as never) as (pt: Tensor2D, wt: Tensor) => Tensor;
  return f(patches, w);
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
  // and wasm slices with one-element inner blocks are slow), then one matMul.
  const { patches, t1, f1 } = inputPatches(x);
  countMatMul(b * t1 * f1, 9, c);
  const h1 = tf.relu(tf.reshape(tf.add(patchProduct(patches, p.get('sub/conv1/w')), p.get('sub/conv1/b')), [b, t1, f1, c])) as Tensor4D;
  // Conv 2, depthwise-separable: per-channel 3x3 stride 2 as a weighted sum of patches, then pointwise.
  const w2 = p.get('sub/dw2/w');
  const pats = patches3x3s2(h1);
  let acc: Tensor = tf.mul(pats[0], tf.reshape(tf.slice(w2, [0, 0], [1, c]), [c]));
  for (let k = 1; k < 9; k++) acc = tf.add(acc, tf.mul(pats[k], tf.reshape(tf.slice(w2, [k, 0], [1, c]), [c])));
  const dw = tf.add(acc, p.get('sub/dw2/b'));
  const h2 = tf.relu(linear(dw, p.get('sub/pw2/w'), p.get('sub/pw2/b')));
  const [, t2, f2] = h2.shape;
  return linear(tf.reshape(h2, [b, t2, f2 * c]), p.get('sub/proj/w'), p.get('sub/proj/b')) as Tensor3D;
}
