import type { GraphBuilder } from './graph-builder.js';
import { randomNormal } from '@speechkd/random';

/** A dense layer's weights: `w` is `[inDim, outDim]` row-major (as exported MatMul initializers), `b` is `[outDim]`. */
export interface LinearWeights {
  w: Float32Array;
  b: Float32Array;
  inDim: number;
  outDim: number;
}

/** LayerNorm affine parameters, each `[dim]`. */
export interface NormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}

/** Random dense weights with std 1/sqrt(inDim) and small biases. */
export function randomLinear(rand: () => number, inDim: number, outDim: number): LinearWeights {
  return { w: randomNormal(rand, inDim * outDim, 1 / Math.sqrt(inDim)), b: randomNormal(rand, outDim, 0.1), inDim, outDim };
}

/** Random LayerNorm parameters near identity (gamma ~ 1, beta ~ 0). */
export function randomNorm(rand: () => number, dim: number): NormWeights {
  return { gamma: randomNormal(rand, dim, 0.1, 1), beta: randomNormal(rand, dim, 0.1) };
}

function scalar(g: GraphBuilder, value: number): string {
  return g.scalar(value);
}

/** `x @ w + b` as MatMul + Add nodes named `<scope>/MatMul`, `<scope>/Add`. */
export function linear(g: GraphBuilder, x: string, p: LinearWeights, scope: string, param: string, output?: string): string {
  const w = g.float(`${param}.weight`, p.w, [p.inDim, p.outDim]);
  const b = g.float(`${param}.bias`, p.b, [p.outDim]);
  const y = g.op('MatMul', [x, w], `${scope}/MatMul`);
  return g.op('Add', [b, y], `${scope}/Add`, undefined, output);
}

/**
 * LayerNorm over the last axis: one LayerNormalization node (opset >= 17), or, with `decompose`,
 * the ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add chain older exports contain.
 */
export function layerNorm(g: GraphBuilder, x: string, p: NormWeights, eps: number, scope: string, param: string, decompose: boolean, output?: string): string {
  const gamma = g.float(`${param}.weight`, p.gamma, [p.gamma.length]);
  const beta = g.float(`${param}.bias`, p.beta, [p.beta.length]);
  if (!decompose) {
    return g.op('LayerNormalization', [x, gamma, beta], `${scope}/LayerNormalization`, { axis: -1, epsilon: { float: eps } }, output);
  }
  const mean = g.op('ReduceMean', [x], `${scope}/ReduceMean`, { axes: [-1], keepdims: 1 });
  const centered = g.op('Sub', [x, mean], `${scope}/Sub`);
  const sq = g.op('Pow', [centered, scalar(g, 2)], `${scope}/Pow`);
  const variance = g.op('ReduceMean', [sq], `${scope}/ReduceMean_1`, { axes: [-1], keepdims: 1 });
  const std = g.op('Sqrt', [g.op('Add', [variance, scalar(g, eps)], `${scope}/Add`)], `${scope}/Sqrt`);
  const normed = g.op('Div', [centered, std], `${scope}/Div`);
  const scaled = g.op('Mul', [normed, gamma], `${scope}/Mul`);
  return g.op('Add', [scaled, beta], `${scope}/Add_1`, undefined, output);
}

/** Exact (erf) GELU as torch.onnx exports it: x * 0.5 * (1 + erf(x / sqrt 2)). */
export function gelu(g: GraphBuilder, x: string, scope: string): string {
  const d = g.op('Div', [x, scalar(g, Math.SQRT2)], `${scope}/Div`);
  const e = g.op('Erf', [d], `${scope}/Erf`);
  const a = g.op('Add', [e, scalar(g, 1)], `${scope}/Add`);
  const m = g.op('Mul', [x, a], `${scope}/Mul`);
  return g.op('Mul', [m, scalar(g, 0.5)], `${scope}/Mul_1`);
}

/** Attention projection names of the two families. */
export interface AttentionNames {
  q: string;
  k: string;
  v: string;
  out: string;
}

/** Weights of one multi-head self-attention block. */
export interface AttentionWeights {
  q: LinearWeights;
  k: LinearWeights;
  v: LinearWeights;
  out: LinearWeights;
}

/**
 * Multi-head self-attention on x `[batch, seq, dim]`: softmax(Q K^T / sqrt(dh) + maskAdd) V, then the
 * output projection. `maskAdd` broadcasts to `[batch, heads, seq, seq]` (e.g. `[batch, 1, 1, seq]`).
 */
export function selfAttention(
  g: GraphBuilder, x: string, p: AttentionWeights, heads: number, maskAdd: string | undefined,
  scope: string, param: string, names: AttentionNames,
): string {
  const dim = p.q.outDim;
  const dh = dim / heads;
  const split = g.int64(`${scope}/Constant_split_shape`, [0, 0, heads, dh]);
  const merge = g.int64(`${scope}/Constant_merge_shape`, [0, 0, dim]);
  const proj = (which: keyof AttentionNames, perm: number[]): string => {
    const y = linear(g, x, p[which], `${scope}/${names[which]}`, `${param}.${names[which].replace(/\//g, '.')}`);
    const r = g.op('Reshape', [y, split], `${scope}/${names[which]}/Reshape`);
    return g.op('Transpose', [r], `${scope}/${names[which]}/Transpose`, { perm });
  };
  const q = proj('q', [0, 2, 1, 3]);
  const kT = proj('k', [0, 2, 3, 1]);
  const v = proj('v', [0, 2, 1, 3]);
  let scores = g.op('Div', [g.op('MatMul', [q, kT], `${scope}/MatMul`), scalar(g, Math.sqrt(dh))], `${scope}/Div`);
  if (maskAdd) scores = g.op('Add', [scores, maskAdd], `${scope}/Add`);
  const probs = g.op('Softmax', [scores], `${scope}/Softmax`, { axis: -1 });
  const ctx = g.op('MatMul', [probs, v], `${scope}/MatMul_1`);
  const merged = g.op('Reshape', [g.op('Transpose', [ctx], `${scope}/Transpose`, { perm: [0, 2, 1, 3] }), merge], `${scope}/Reshape`);
  return linear(g, merged, p.out, `${scope}/${names.out}`, `${param}.${names.out.replace(/\//g, '.')}`);
}
