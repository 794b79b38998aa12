import type { onnx as OnnxNs } from 'onnx-proto';
import { elemTypeName, FLOAT_ELEM_TYPES, GraphIndex } from './graph-index.js';
import { isLayerNormEnd } from './layer-norm.js';

type Node = OnnxNs.INodeProto;

/** One encoder layer's output tensor found in a graph. */
export interface LayerOutput {
  /** Layer index as written in the node names (`layer.3` -> 3). */
  layer: number;
  /** Name of the tensor holding the layer's output `[batch, time|tokens, dim]`. */
  tensor: string;
  /** The layer's name scope, e.g. `/encoder/layer.3`. */
  scope: string;
  /** Name of the node producing the tensor. */
  producer: string;
}

/** A tensor leaving a layer scope that cannot be the layer's hidden states, and why. */
export interface RejectedExit {
  tensor: string;
  op: string;
  reason: string;
}

/** Everything that leaves one layer scope: the chosen hidden-state tensor (if any) and the rejected exits. */
export interface LayerScopeExits {
  layer: number;
  scope: string;
  chosen: LayerOutput | undefined;
  rejected: RejectedExit[];
}

/**
 * Matches the layer scope of HF/torch.onnx exports: `/encoder/layer.N/` (BERT, RoBERTa),
 * `/encoder/layers.N/` (wav2vec2, HuBERT), `/transformer/layer.N/` (DistilBERT), with any model prefix.
 */
export const DEFAULT_LAYER_SCOPE = /^(.*?\/(?:encoder|transformer)\/layers?\.(\d+))\//;

// Ops that only compute shapes or constants: such tensors can leave a layer scope after CSE without
// being the layer's hidden states.
const SHAPE_OPS = new Set([
  'Shape', 'Constant', 'ConstantOfShape', 'Unsqueeze', 'Squeeze', 'Concat', 'Gather', 'Cast', 'Range',
  'Equal', 'Where', 'Expand', 'Slice', 'Size', 'Reshape',
]);

// Ops of quantized graphs whose outputs are integer codes, scales or zero points, never hidden states
// (onnxruntime names a DynamicQuantizeLinear after the tensor it quantizes, so it sits in the layer scope).
const QUANT_OPS = new Set([
  'DynamicQuantizeLinear', 'QuantizeLinear', 'MatMulInteger', 'ConvInteger', 'QLinearMatMul', 'QLinearConv', 'QLinearAdd', 'QLinearMul',
]);

const INPUT_QUANTIZERS = new Set(['DynamicQuantizeLinear', 'QuantizeLinear']);

/** The `{scope, layer}` of a node, from its name or (unnamed nodes) its first output's name. */
export function scopeOf(node: Node, pattern: RegExp): { scope: string; layer: number } | undefined {
  for (const key of [node.name ?? '', node.output?.[0] ?? '']) {
    const m = pattern.exec(key);
    if (m) return { scope: m[1], layer: Number(m[2]) };
  }
  return undefined;
}

/**
 * The float tensor `tensor` stands for: itself, or, through a Cast to a float type (fp16 graphs) or a
 * DequantizeLinear(QuantizeLinear(x)) pair (QDQ graphs), the float tensor it was made from.
 */
export function lookThrough(index: GraphIndex, tensor: string): string {
  for (let hops = 0; hops < 4; hops++) {
    const p = index.producer(tensor);
    if (p?.opType === 'Cast' && FLOAT_ELEM_TYPES.has(index.elemType(tensor) ?? 1) && FLOAT_ELEM_TYPES.has(index.elemType(p.input![0]) ?? 1)) {
      tensor = p.input![0];
    } else if (p?.opType === 'DequantizeLinear' && index.producer(p.input![0])?.opType === 'QuantizeLinear') {
      tensor = index.producer(p.input![0])!.input![0];
    } else break;
  }
  return tensor;
}

/**
 * Why `tensor` cannot be a hidden state `[batch, time, dim]` of float type, or undefined when it can:
 * shape arithmetic, quantized codes/scales, non-float types and a declared rank other than 3 are out.
 */
export function notHiddenState(index: GraphIndex, tensor: string): string | undefined {
  const op = index.producer(tensor)?.opType ?? '';
  if (QUANT_OPS.has(op)) return `output of ${op} (quantized codes, scale or zero point)`;
  const t = index.elemType(tensor);
  if (t !== undefined && !FLOAT_ELEM_TYPES.has(t)) return `${elemTypeName(t)}, not a float type`;
  const rank = index.rank(tensor);
  if (rank !== undefined && rank !== 3) return `rank ${rank}, not [batch, time, dim]`;
  if (SHAPE_OPS.has(op)) return `shape arithmetic (${op})`;
  return undefined;
}

/** 3 = a LayerNorm's output, 2 = an Add (residual stream of pre-LN layers), 1 = another float op. */
function score(index: GraphIndex, tensor: string): number {
  const p = index.producer(tensor);
  if (!p) return 1;
  if (isLayerNormEnd(index, p)) return 3;
  return p.opType === 'Add' ? 2 : 1;
}

/**
 * Every layer scope with the tensors leaving it (produced inside, consumed outside or a graph output),
 * and the one chosen as the layer's output: a LayerNorm's output (post-LN: BERT `output/LayerNorm`,
 * wav2vec2 `final_layer_norm`, fused or decomposed), else a residual Add (pre-LN "stable layer norm"
 * layers), else another float tensor; later in node order breaks ties. A quantizer's codes and scale
 * stand for the float tensor it quantizes, a Cast or DequantizeLinear for its float source; shape
 * arithmetic and non-float tensors are rejected, with the reason.
 */
export function scanLayerScopes(index: GraphIndex, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): LayerScopeExits[] {
  const scopes = new Map<number, { scope: string; layer: number } | undefined>();
  index.nodes.forEach((n, i) => scopes.set(i, scopeOf(n, scopePattern)));
  const scopeOfTensor = (t: string): { scope: string; layer: number } | undefined => {
    const o = index.order(t);
    return o < 0 ? undefined : scopes.get(o);
  };
  const exits = new Map<string, { layer: number; tensors: Set<string> }>();
  const addExit = (tensor: string): void => {
    const s = scopeOfTensor(tensor);
    if (!s) return;
    const entry = exits.get(s.scope) ?? { layer: s.layer, tensors: new Set<string>() };
    entry.tensors.add(tensor);
    exits.set(s.scope, entry);
  };
  index.nodes.forEach((n, i) => {
    const own = scopes.get(i)?.scope;
    for (const t of n.input ?? []) {
      const s = t ? scopeOfTensor(t) : undefined;
      if (s && s.scope !== own) addExit(t);
    }
  });
  for (const t of index.graphOutputs) addExit(t);

  const result: LayerScopeExits[] = [];
  for (const [scope, { layer, tensors }] of exits) {
    let best: { tensor: string; score: number; order: number } | undefined;
    const rejected: RejectedExit[] = [];
    const seen = new Set<string>();
    for (const exit of tensors) {
      // A quantizer named after the tensor it quantizes sits in the layer's scope, so what leaves is its
      // codes and scale: the layer's output is the float tensor it reads.
      const q = index.producer(exit);
      const tensor = lookThrough(index, q && INPUT_QUANTIZERS.has(q.opType ?? '') ? q.input![0] : exit);
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      const why = notHiddenState(index, tensor);
      if (why) {
        rejected.push({ tensor, op: index.producer(tensor)?.opType ?? '', reason: why });
        continue;
      }
      const s = score(index, tensor);
      const order = index.order(exit);
      if (!best || s > best.score || (s === best.score && order > best.order)) best = { tensor, score: s, order };
    }
    const chosen = best ? { layer, tensor: best.tensor, scope, producer: index.producer(best.tensor)?.name ?? '' } : undefined;
    result.push({ layer, scope, chosen, rejected });
  }
  return result.sort((a, b) => a.layer - b.layer);
}

/**
 * Finds each encoder layer's output (see `scanLayerScopes`); scopes where nothing qualifies are left
 * out. `scopePattern` must capture the scope (group 1) and the layer index (group 2).
 */
export function findLayerOutputs(graph: OnnxNs.IGraphProto, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): LayerOutput[] {
  return scanLayerScopes(new GraphIndex(graph), scopePattern).flatMap((s) => (s.chosen ? [s.chosen] : []));
}

/** The tensor entering the first encoder layer (HF `hidden_states[0]`: embeddings / encoder input). */
export interface EncoderInput {
  tensor: string;
  /** Name of the node producing it. */
  producer: string;
}

/**
 * Finds the tensor entering encoder layer `first.scope` (HF `hidden_states[0]`): the float tensor
 * produced outside the scope with the most consumers inside it (Q/K/V projections and the residual
 * beat the attention mask; quantized copies and shape arithmetic do not count). Undefined when the
 * scope reads no such tensor.
 */
export function findEncoderInput(graph: OnnxNs.IGraphProto | GraphIndex, first: LayerOutput, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): EncoderInput | undefined {
  const index = graph instanceof GraphIndex ? graph : new GraphIndex(graph);
  const counts = new Map<string, number>();
  for (const n of index.nodes) {
    if (scopeOf(n, scopePattern)?.scope !== first.scope) continue;
    for (const raw of n.input ?? []) {
      if (!raw || index.initializers.has(raw)) continue;
      const p = index.producer(raw);
      if (p ? scopeOf(p, scopePattern)?.scope === first.scope : !index.graphInputs.has(raw)) continue; // the scope's own tensors
      const t = lookThrough(index, raw);
      if (notHiddenState(index, t)) continue;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  let best: [string, number] | undefined;
  for (const e of counts) if (!best || e[1] > best[1]) best = e;
  return best ? { tensor: best[0], producer: index.producer(best[0])?.name ?? '' } : undefined;
}
