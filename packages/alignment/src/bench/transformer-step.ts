import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { matMul } from '../mat-mul.js';
import { glorotUniform } from '../random.js';

/** Shape of the representative student used as the benchmark's yardstick. */
export interface StepShape {
  batch: number;
  frames: number;
  dim: number;
  layers: number;
  heads: number;
  ffDim: number;
  vocab: number;
}

/** A stack of pre-LayerNorm Transformer blocks plus a CTC-sized output layer, trained with Adam. */
export interface TransformerStep {
  /** One training step (forward, backward, Adam update) on x [batch, frames, dim] with key mask [batch, frames]. */
  step(x: Tensor, mask: Tensor): number;
  /** Number of trainable parameters. */
  params: number;
  dispose(): void;
}

function layerNorm(x: Tensor, gain: Tensor, bias: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

/**
 * Builds the yardstick: `layers` blocks of multi-head self-attention (key padding mask) and a ReLU
 * feed-forward, each with residuals, then a [dim, vocab] output layer; the loss is a log-softmax
 * cross-entropy against fixed targets (a stand-in for CTC, which costs more). Dense layers use the
 * package's explicit-transpose matMul and attention uses tf.matMul, whichever measured faster on
 * wasm, so the yardstick is not inflated by wasm's slow paths.
 */
export function createTransformerStep(shape: StepShape, seed = 0): TransformerStep {
  const { dim, layers, heads, ffDim, vocab } = shape;
  const vars: Variable[] = [];
  const v = (rows: number, cols: number) => {
    const t = tf.variable(tf.tensor2d(glorotUniform(rows, cols, seed + vars.length), [rows, cols]));
    vars.push(t);
    return t;
  };
  const ones = () => {
    const t = tf.variable(tf.ones([dim]));
    vars.push(t);
    return t;
  };
  const zeros = (n: number) => {
    const t = tf.variable(tf.zeros([n]));
    vars.push(t);
    return t;
  };
  const blocks = Array.from({ length: layers }, () => ({
    ln1g: ones(), ln1b: zeros(dim), wq: v(dim, dim), wk: v(dim, dim), wv: v(dim, dim), wo: v(dim, dim),
    ln2g: ones(), ln2b: zeros(dim), w1: v(dim, ffDim), b1: zeros(ffDim), w2: v(ffDim, dim), b2: zeros(dim),
  }));
  const out = v(dim, vocab);
  const optimizer = tf.train.adam(1e-4);
  const dh = dim / heads;
  const lin = (x: Tensor, w: Tensor) => tf.reshape(matMul(tf.reshape(x, [-1, x.shape[2] as number]), w), [x.shape[0], x.shape[1] as number, w.shape[1] as number]);
  const split = (x: Tensor, b: number, t: number) => tf.transpose(tf.reshape(x, [b, t, heads, dh]), [0, 2, 1, 3]);
  const forwardLoss = (x: Tensor, mask: Tensor, target: Tensor) => {
    const [b, t] = x.shape as number[];
    const keyBias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [b, 1, 1, t]);
    let h = x;
    for (const p of blocks) {
      const n = layerNorm(h, p.ln1g, p.ln1b);
      const q = split(lin(n, p.wq), b, t);
      const k = split(lin(n, p.wk), b, t);
      const val = split(lin(n, p.wv), b, t);
      const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), keyBias), -1);
      const ctx = tf.reshape(tf.transpose(tf.matMul(att, val), [0, 2, 1, 3]), [b, t, dim]);
      h = tf.add(h, lin(ctx, p.wo));
      const n2 = layerNorm(h, p.ln2g, p.ln2b);
      h = tf.add(h, tf.add(lin(tf.relu(tf.add(lin(n2, p.w1), p.b1)), p.w2), p.b2));
    }
    const logp = tf.logSoftmax(lin(h, out), -1);
    return tf.neg(tf.div(tf.sum(tf.mul(tf.mul(logp, target), tf.expandDims(mask, 2))), tf.sum(mask))) as tf.Scalar;
  };
  let target: Tensor | null = null;
  return {
    params: vars.reduce((s, x) => s + x.size, 0),
    step: (x, mask) => {
      if (!target) target = tf.oneHot(tf.randomUniform([x.shape[0], x.shape[1] as number], 0, vocab, 'int32', seed), vocab);
      const tgt = target;
      const loss = optimizer.minimize(() => forwardLoss(x, mask, tgt), true, vars);
      const value = loss!.dataSync()[0];
      loss!.dispose();
      return value;
    },
    dispose: () => {
      tf.dispose(vars);
      if (target) target.dispose();
      optimizer.dispose();
    },
  };
}
