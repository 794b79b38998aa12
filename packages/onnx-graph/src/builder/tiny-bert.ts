import { ElemType } from '../proto.js';
import { GraphBuilder } from './graph-builder.js';
import { gelu, layerNorm, linear, randomLinear, randomNorm, selfAttention } from './layers.js';
import type { AttentionWeights, LinearWeights, NormWeights } from './layers.js';
import { mulberry32, randomNormal } from '@speechkd/random';

/** Shape and export options of a tiny BERT-shaped graph. */
export interface TinyBertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** Seed of the random weights. */
  seed: number;
  /** Emit LayerNorm as its pre-opset-17 decomposition (and use opset 14). */
  decomposeLayerNorm: boolean;
  /** Record value_info `[batch_size, sequence_length, hidden]` for every layer output. */
  valueInfo: boolean;
  /** Include the `token_type_ids` input (BERT yes, DistilBERT/RoBERTa exports often no). */
  tokenTypeIds: boolean;
}

/** Defaults: 2 layers, hidden 16, 2 heads, vocab 100. */
export const TINY_BERT_DEFAULTS: TinyBertConfig = {
  vocabSize: 100, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, maxPositions: 64,
  typeVocabSize: 2, layerNormEps: 1e-12, seed: 1, decomposeLayerNorm: false, valueInfo: false, tokenTypeIds: true,
};

/** Weights of one BERT encoder layer. */
export interface BertLayerWeights {
  attention: AttentionWeights;
  attentionNorm: NormWeights;
  intermediate: LinearWeights;
  output: LinearWeights;
  outputNorm: NormWeights;
}

/** All weights of a tiny BERT (embedding tables row-major `[rows, hidden]`). */
export interface TinyBertWeights {
  wordEmbeddings: Float32Array;
  positionEmbeddings: Float32Array;
  tokenTypeEmbeddings: Float32Array;
  embeddingNorm: NormWeights;
  layers: BertLayerWeights[];
}

/** A built tiny BERT: serialized model, its config and weights (for reference computations). */
export interface TinyBert {
  bytes: Uint8Array;
  config: TinyBertConfig;
  weights: TinyBertWeights;
}

function randomWeights(c: TinyBertConfig): TinyBertWeights {
  const rand = mulberry32(c.seed);
  const h = c.hiddenSize;
  return {
    wordEmbeddings: randomNormal(rand, c.vocabSize * h, 0.5),
    positionEmbeddings: randomNormal(rand, c.maxPositions * h, 0.5),
    tokenTypeEmbeddings: randomNormal(rand, c.typeVocabSize * h, 0.5),
    embeddingNorm: randomNorm(rand, h),
    layers: Array.from({ length: c.numLayers }, () => ({
      attention: { q: randomLinear(rand, h, h), k: randomLinear(rand, h, h), v: randomLinear(rand, h, h), out: randomLinear(rand, h, h) },
      attentionNorm: randomNorm(rand, h),
      intermediate: randomLinear(rand, h, c.intermediateSize),
      output: randomLinear(rand, c.intermediateSize, h),
      outputNorm: randomNorm(rand, h),
    })),
  };
}

/**
 * Builds a BERT-shaped ONNX graph with seeded random weights, named like an HF/optimum export:
 * inputs `input_ids`, `attention_mask` (, `token_type_ids`) int64 `[batch_size, sequence_length]`,
 * output `last_hidden_state` float `[batch_size, sequence_length, hidden]`, node scopes
 * `/embeddings/...`, `/encoder/layer.N/attention/self/query/MatMul`, `/encoder/layer.N/output/LayerNorm/...`.
 */
export function buildTinyBert(overrides: Partial<TinyBertConfig> = {}): TinyBert {
  const c: TinyBertConfig = { ...TINY_BERT_DEFAULTS, ...overrides };
  const p = randomWeights(c);
  const h = c.hiddenSize;
  const g = new GraphBuilder('tiny_bert', c.decomposeLayerNorm ? 14 : 17);
  const dims = ['batch_size', 'sequence_length'];
  const ids = g.input('input_ids', ElemType.INT64, dims);
  const mask = g.input('attention_mask', ElemType.INT64, dims);
  const types = c.tokenTypeIds ? g.input('token_type_ids', ElemType.INT64, dims) : undefined;

  // embeddings: word + position(arange(seq)) + token type, then LayerNorm
  const word = g.op('Gather', [g.float('embeddings.word_embeddings.weight', p.wordEmbeddings, [c.vocabSize, h]), ids], '/embeddings/word_embeddings/Gather', { axis: 0 });
  const seqLen = g.op('Gather', [g.op('Shape', [ids], '/embeddings/Shape'), g.int64('/embeddings/Constant_1', [1], [])], '/embeddings/Gather', { axis: 0 });
  const positions = g.op('Range', [g.int64('/embeddings/Constant_0', [0], []), seqLen, g.int64('/embeddings/Constant_step', [1], [])], '/embeddings/Range');
  const pos = g.op('Gather', [g.float('embeddings.position_embeddings.weight', p.positionEmbeddings, [c.maxPositions, h]), positions], '/embeddings/position_embeddings/Gather', { axis: 0 });
  let emb = g.op('Add', [word, pos], '/embeddings/Add');
  if (types) {
    const typ = g.op('Gather', [g.float('embeddings.token_type_embeddings.weight', p.tokenTypeEmbeddings, [c.typeVocabSize, h]), types], '/embeddings/token_type_embeddings/Gather', { axis: 0 });
    emb = g.op('Add', [emb, typ], '/embeddings/Add_1');
  }
  let x = layerNorm(g, emb, p.embeddingNorm, c.layerNormEps, '/embeddings/LayerNorm', 'embeddings.LayerNorm', c.decomposeLayerNorm);

  // extended attention mask: (1 - mask) * -1e4, shaped [batch, 1, 1, seq]
  const m4 = g.op('Unsqueeze', [mask, g.int64('/Constant_axes', [1, 2])], '/Unsqueeze');
  const mf = g.op('Cast', [m4], '/Cast', { to: ElemType.FLOAT });
  const inv = g.op('Sub', [g.float('/Constant_one', [1], []), mf], '/Sub');
  const maskAdd = g.op('Mul', [inv, g.float('/Constant_neg', [-10000], [])], '/Mul');

  p.layers.forEach((L, i) => {
    const s = `/encoder/layer.${i}`;
    const param = `encoder.layer.${i}`;
    const names = { q: 'self/query', k: 'self/key', v: 'self/value', out: 'output/dense' };
    const attn = selfAttention(g, x, L.attention, c.numHeads, maskAdd, `${s}/attention`, `${param}.attention`, names);
    const res1 = g.op('Add', [attn, x], `${s}/attention/output/Add`);
    const a = layerNorm(g, res1, L.attentionNorm, c.layerNormEps, `${s}/attention/output/LayerNorm`, `${param}.attention.output.LayerNorm`, c.decomposeLayerNorm);
    const inter = gelu(g, linear(g, a, L.intermediate, `${s}/intermediate/dense`, `${param}.intermediate.dense`), `${s}/intermediate/intermediate_act_fn`);
    const out = linear(g, inter, L.output, `${s}/output/dense`, `${param}.output.dense`);
    const res2 = g.op('Add', [out, a], `${s}/output/Add`);
    const last = i === c.numLayers - 1;
    x = layerNorm(g, res2, L.outputNorm, c.layerNormEps, `${s}/output/LayerNorm`, `${param}.output.LayerNorm`, c.decomposeLayerNorm, last ? 'last_hidden_state' : undefined);
    if (c.valueInfo && !last) g.valueInfo(x, ElemType.FLOAT, ['batch_size', 'sequence_length', h]);
  });
  g.output('last_hidden_state', ElemType.FLOAT, ['batch_size', 'sequence_length', h]);
  return { bytes: g.toBytes(), config: c, weights: p };
}
