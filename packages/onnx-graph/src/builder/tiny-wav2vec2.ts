import { ElemType } from '../proto.js';
import { GraphBuilder } from './graph-builder.js';
import { gelu, layerNorm, linear, randomLinear, randomNorm, selfAttention } from './layers.js';
import type { AttentionWeights, LinearWeights, NormWeights } from './layers.js';
import { mulberry32, randomNormal } from '@speechkd/random';

/** One feature-encoder convolution: output channels, kernel width and stride in samples/frames. */
export interface ConvSpec {
  channels: number;
  kernel: number;
  stride: number;
}

/** Shape and export options of a tiny wav2vec2-shaped graph (post-LayerNorm "base" layout). */
export interface TinyWav2vec2Config {
  convLayers: ConvSpec[];
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  /** Odd kernel of the grouped positional convolution (padding kernel/2 keeps the length). */
  posConvKernel: number;
  posConvGroups: number;
  layerNormEps: number;
  /** With a CTC head: adds output `logits` `[batch, frames, ctcVocabSize]` and the `/wav2vec2` prefix. */
  ctcVocabSize: number | null;
  seed: number;
  /** Record value_info for every layer output. */
  valueInfo: boolean;
}

/** Defaults: convs (8, k10, s5) + (8, k3, s2) = 10 samples per frame hop, hidden 16, 2 layers. */
export const TINY_WAV2VEC2_DEFAULTS: TinyWav2vec2Config = {
  convLayers: [{ channels: 8, kernel: 10, stride: 5 }, { channels: 8, kernel: 3, stride: 2 }],
  hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, posConvKernel: 3, posConvGroups: 2,
  layerNormEps: 1e-5, ctcVocabSize: null, seed: 1, valueInfo: false,
};

/** Weights of a tiny wav2vec2 (conv kernels `[out, in/groups, k]`). */
export interface TinyWav2vec2Weights {
  convs: { kernel: Float32Array; norm?: NormWeights }[];
  featureNorm: NormWeights;
  projection: LinearWeights;
  posConv: { kernel: Float32Array; bias: Float32Array };
  encoderNorm: NormWeights;
  layers: { attention: AttentionWeights; norm: NormWeights; intermediate: LinearWeights; output: LinearWeights; finalNorm: NormWeights }[];
  lmHead?: LinearWeights;
}

/** A built tiny wav2vec2: serialized model, its config and weights. */
export interface TinyWav2vec2 {
  bytes: Uint8Array;
  config: TinyWav2vec2Config;
  weights: TinyWav2vec2Weights;
}

/** Number of output frames for `numSamples` input samples (valid convolutions). */
export function wav2vec2FrameCount(config: TinyWav2vec2Config, numSamples: number): number {
  return config.convLayers.reduce((n, c) => Math.floor((n - c.kernel) / c.stride) + 1, numSamples);
}

/**
 * Builds a wav2vec2-shaped ONNX graph with seeded random weights: input `input_values` float
 * `[batch_size, sequence_length]`, conv feature encoder (first conv with per-channel
 * InstanceNormalization like GroupNorm(C, C)), feature projection, grouped positional Conv,
 * post-LN Transformer layers named `/encoder/layers.N/...final_layer_norm`, output
 * `last_hidden_state` `[batch_size, frames, hidden]` and optional CTC `logits`.
 */
export function buildTinyWav2vec2(overrides: Partial<TinyWav2vec2Config> = {}): TinyWav2vec2 {
  const c: TinyWav2vec2Config = { ...TINY_WAV2VEC2_DEFAULTS, ...overrides };
  const rand = mulberry32(c.seed);
  const h = c.hiddenSize;
  const pre = c.ctcVocabSize ? '/wav2vec2' : '';
  const pp = c.ctcVocabSize ? 'wav2vec2.' : '';
  const g = new GraphBuilder('tiny_wav2vec2', 17);
  const input = g.input('input_values', ElemType.FLOAT, ['batch_size', 'sequence_length']);
  const weights: TinyWav2vec2Weights = { convs: [] } as unknown as TinyWav2vec2Weights;

  let x = g.op('Unsqueeze', [input, g.int64(`${pre}/feature_extractor/Constant_axes`, [1])], `${pre}/feature_extractor/Unsqueeze`);
  let inCh = 1;
  c.convLayers.forEach((spec, i) => {
    const s = `${pre}/feature_extractor/conv_layers.${i}`;
    const kernel = randomNormal(rand, spec.channels * inCh * spec.kernel, 1 / Math.sqrt(inCh * spec.kernel));
    const w = g.float(`${pp}feature_extractor.conv_layers.${i}.conv.weight`, kernel, [spec.channels, inCh, spec.kernel]);
    x = g.op('Conv', [x, w], `${s}/conv/Conv`, { kernel_shape: [spec.kernel], strides: [spec.stride] });
    const entry: { kernel: Float32Array; norm?: NormWeights } = { kernel };
    if (i === 0) {
      entry.norm = randomNorm(rand, spec.channels);
      const sc = g.float(`${pp}feature_extractor.conv_layers.0.layer_norm.weight`, entry.norm.gamma, [spec.channels]);
      const bi = g.float(`${pp}feature_extractor.conv_layers.0.layer_norm.bias`, entry.norm.beta, [spec.channels]);
      x = g.op('InstanceNormalization', [x, sc, bi], `${s}/layer_norm/InstanceNormalization`, { epsilon: { float: 1e-5 } });
    }
    weights.convs.push(entry);
    x = gelu(g, x, `${s}/activation`);
    inCh = spec.channels;
  });
  x = g.op('Transpose', [x], `${pre}/Transpose`, { perm: [0, 2, 1] });
  weights.featureNorm = randomNorm(rand, inCh);
  x = layerNorm(g, x, weights.featureNorm, c.layerNormEps, `${pre}/feature_projection/layer_norm`, `${pp}feature_projection.layer_norm`, false);
  weights.projection = randomLinear(rand, inCh, h);
  x = linear(g, x, weights.projection, `${pre}/feature_projection/projection`, `${pp}feature_projection.projection`);

  // positional embedding: grouped Conv1d over time (channels first), GELU, added to x
  const k = c.posConvKernel;
  weights.posConv = { kernel: randomNormal(rand, h * (h / c.posConvGroups) * k, 1 / Math.sqrt((h / c.posConvGroups) * k)), bias: randomNormal(rand, h, 0.1) };
  const xt = g.op('Transpose', [x], `${pre}/encoder/pos_conv_embed/Transpose`, { perm: [0, 2, 1] });
  const pw = g.float(`${pp}encoder.pos_conv_embed.conv.weight`, weights.posConv.kernel, [h, h / c.posConvGroups, k]);
  const pb = g.float(`${pp}encoder.pos_conv_embed.conv.bias`, weights.posConv.bias, [h]);
  const pc = g.op('Conv', [xt, pw, pb], `${pre}/encoder/pos_conv_embed/conv/Conv`, { kernel_shape: [k], pads: [(k - 1) / 2, (k - 1) / 2], group: c.posConvGroups });
  const pe = g.op('Transpose', [gelu(g, pc, `${pre}/encoder/pos_conv_embed/activation`)], `${pre}/encoder/pos_conv_embed/Transpose_1`, { perm: [0, 2, 1] });
  x = g.op('Add', [x, pe], `${pre}/encoder/Add`);
  weights.encoderNorm = randomNorm(rand, h);
  x = layerNorm(g, x, weights.encoderNorm, c.layerNormEps, `${pre}/encoder/layer_norm`, `${pp}encoder.layer_norm`, false);

  weights.layers = [];
  for (let i = 0; i < c.numLayers; i++) {
    const s = `${pre}/encoder/layers.${i}`;
    const param = `${pp}encoder.layers.${i}`;
    const L = {
      attention: { q: randomLinear(rand, h, h), k: randomLinear(rand, h, h), v: randomLinear(rand, h, h), out: randomLinear(rand, h, h) },
      norm: randomNorm(rand, h), intermediate: randomLinear(rand, h, c.intermediateSize),
      output: randomLinear(rand, c.intermediateSize, h), finalNorm: randomNorm(rand, h),
    };
    weights.layers.push(L);
    const names = { q: 'q_proj', k: 'k_proj', v: 'v_proj', out: 'out_proj' };
    const attn = selfAttention(g, x, L.attention, c.numHeads, undefined, `${s}/attention`, `${param}.attention`, names);
    const a = layerNorm(g, g.op('Add', [x, attn], `${s}/Add`), L.norm, c.layerNormEps, `${s}/layer_norm`, `${param}.layer_norm`, false);
    const ff = linear(g, gelu(g, linear(g, a, L.intermediate, `${s}/feed_forward/intermediate_dense`, `${param}.feed_forward.intermediate_dense`), `${s}/feed_forward/intermediate_act_fn`),
      L.output, `${s}/feed_forward/output_dense`, `${param}.feed_forward.output_dense`);
    const last = i === c.numLayers - 1;
    x = layerNorm(g, g.op('Add', [a, ff], `${s}/Add_1`), L.finalNorm, c.layerNormEps, `${s}/final_layer_norm`, `${param}.final_layer_norm`, false, last ? 'last_hidden_state' : undefined);
    if (c.valueInfo && !last) g.valueInfo(x, ElemType.FLOAT, ['batch_size', 'frames', h]);
  }
  g.output('last_hidden_state', ElemType.FLOAT, ['batch_size', 'frames', h]);
  if (c.ctcVocabSize) {
    weights.lmHead = randomLinear(rand, h, c.ctcVocabSize);
    linear(g, x, weights.lmHead, '/lm_head', 'lm_head', 'logits');
    g.output('logits', ElemType.FLOAT, ['batch_size', 'frames', c.ctcVocabSize]);
  }
  return { bytes: g.toBytes(), config: c, weights };
}
