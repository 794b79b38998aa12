import { tf } from '@speechkd/tensor-backend';
import type { ModelConfig } from './config.js';
import type { ParamStore } from './params.js';
import { depthwiseTimeConv } from './depthwise-conv.js';
import { batchMatMul, dropout, layerNorm, linear, swish } from './ops.js';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Per-call context shared by the blocks of one forward pass. */
export interface BlockContext {
  /** Valid-frame mask [batch, frames, 1] (1 valid, 0 padding). */
  mask: Tensor;
  /** Additive attention bias [batch, 1, 1, frames] (0 valid, -1e9 padding keys). */
  attnBias: Tensor;
  training: boolean;
  /** Returns a fresh dropout seed for each call. */
  nextSeed: () => number;
  /** Per-utterance dropout keys (see `dropout`); undefined = batch positions. */
  itemKeys?: readonly number[];
  /** Collects attention probabilities [batch, heads, t, t] when set. */
  attentions?: Tensor[];
}

/** Creates the parameters of Conformer block `i` under `blocks/i/`. */
export function initBlock(p: ParamStore, cfg: ModelConfig, i: number): void {
  const n = `blocks/${i}`;
  const d = cfg.dim;
  const g = cfg.residualInitScale;
  for (const ln of ['ln_ff1', 'ln_att', 'ln_conv', 'ln_ff2', 'ln_out']) {
    p.constant(`${n}/${ln}/g`, [d], 1);
    p.constant(`${n}/${ln}/b`, [d], 0);
  }
  for (const ff of ['ff1', 'ff2']) {
    p.glorot(`${n}/${ff}/w1`, [d, cfg.ffDim]);
    p.constant(`${n}/${ff}/b1`, [cfg.ffDim], 0);
    p.glorot(`${n}/${ff}/w2`, [cfg.ffDim, d], cfg.ffDim, d, g);
    p.constant(`${n}/${ff}/b2`, [d], 0);
  }
  p.glorot(`${n}/att/wqkv`, [d, 3 * d], d, d);
  p.constant(`${n}/att/bqkv`, [3 * d], 0);
  p.glorot(`${n}/att/wo`, [d, d], d, d, g);
  p.constant(`${n}/att/bo`, [d], 0);
  p.glorot(`${n}/conv/pw1/w`, [d, 2 * d]);
  p.constant(`${n}/conv/pw1/b`, [2 * d], 0);
  p.glorot(`${n}/conv/dw/w`, [cfg.convKernel, d], cfg.convKernel, cfg.convKernel);
  p.constant(`${n}/conv/dw/b`, [d], 0);
  p.constant(`${n}/conv/ln/g`, [d], 1);
  p.constant(`${n}/conv/ln/b`, [d], 0);
  p.glorot(`${n}/conv/pw2/w`, [d, d], d, d, g);
  p.constant(`${n}/conv/pw2/b`, [d], 0);
}

function feedForward(p: ParamStore, n: string, x: Tensor, rate: number, ctx: BlockContext): Tensor {
  const h = swish(linear(x, p.get(`${n}/w1`), p.get(`${n}/b1`)));
  return linear(dropout(h, rate, ctx.training, ctx.nextSeed(), ctx.itemKeys), p.get(`${n}/w2`), p.get(`${n}/b2`));
}

/** Multi-head self-attention with key padding: x [b, t, d] -> [b, t, d]; batched matMuls over heads. */
function selfAttention(p: ParamStore, n: string, x: Tensor, heads: number, rate: number, ctx: BlockContext): Tensor {
  const [b, t, d] = x.shape;
  const dh = d / heads;
  // Heads via rank-4 transposes (wasm's rank-5 transpose is slow); per-head 2D matMuls (see batchMatMul).
  const qkv = linear(x, p.get(`${n}/wqkv`), p.get(`${n}/bqkv`));
  const [q, k, v] = tf.split(qkv, 3, 2).map((s) => tf.transpose(tf.reshape(s, [b, t, heads, dh]), [0, 2, 1, 3]));
  const qs = tf.reshape(tf.mul(q, 1 / Math.sqrt(dh)), [b * heads, t, dh]);
  const kt = tf.reshape(tf.transpose(k, [0, 1, 3, 2]), [b * heads, dh, t]);
  const scores = tf.add(tf.reshape(batchMatMul(qs, kt), [b, heads, t, t]), ctx.attnBias);
  const probs = tf.softmax(scores);
  if (ctx.attentions) ctx.attentions.push(probs);
  const dropped = tf.reshape(dropout(probs, rate, ctx.training, ctx.nextSeed(), ctx.itemKeys), [b * heads, t, t]);
  const ctxv = tf.reshape(batchMatMul(dropped, tf.reshape(v, [b * heads, t, dh])), [b, heads, t, dh]);
  const merged = tf.reshape(tf.transpose(ctxv, [0, 2, 1, 3]), [b, t, d]);
  return linear(merged, p.get(`${n}/wo`), p.get(`${n}/bo`));
}

/** Convolution module: pointwise + GLU, depthwise conv along time, LN, swish, pointwise. */
function convModule(p: ParamStore, n: string, x: Tensor, ctx: BlockContext): Tensor {
  const h = linear(x, p.get(`${n}/pw1/w`), p.get(`${n}/pw1/b`));
  const [a, g] = tf.split(h, 2, 2);
  const glu = tf.mul(tf.mul(a, tf.sigmoid(g)), ctx.mask); // padding must not leak into neighbours
  const dw = tf.add(depthwiseTimeConv(glu, p.get(`${n}/dw/w`)), p.get(`${n}/dw/b`));
  const act = swish(layerNorm(dw, p.get(`${n}/ln/g`), p.get(`${n}/ln/b`)));
  return linear(act, p.get(`${n}/pw2/w`), p.get(`${n}/pw2/b`));
}

/** One pre-LN Conformer block (macaron FFNs, MHSA, conv module, final LN): [b, t, d] -> [b, t, d]. */
export function conformerBlock(p: ParamStore, cfg: ModelConfig, i: number, x: Tensor, ctx: BlockContext): Tensor {
  const n = `blocks/${i}`;
  const r = cfg.dropout;
  const ln = (name: string, y: Tensor): Tensor => layerNorm(y, p.get(`${n}/${name}/g`), p.get(`${n}/${name}/b`));
  const drop = (y: Tensor): Tensor => dropout(y, r, ctx.training, ctx.nextSeed(), ctx.itemKeys);
  let y = tf.add(x, tf.mul(drop(feedForward(p, `${n}/ff1`, ln('ln_ff1', x), r, ctx)), 0.5));
  y = tf.add(y, drop(selfAttention(p, `${n}/att`, ln('ln_att', y), cfg.numHeads, r, ctx)));
  y = tf.add(y, drop(convModule(p, `${n}/conv`, ln('ln_conv', y), ctx)));
  y = tf.add(y, tf.mul(drop(feedForward(p, `${n}/ff2`, ln('ln_ff2', y), r, ctx)), 0.5));
  return ln('ln_out', y);
}
