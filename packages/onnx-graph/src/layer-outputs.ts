import type { onnx as OnnxNs } from 'onnx-proto';

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

/** The tensor entering the first encoder layer (HF `hidden_states[0]`: embeddings / encoder input). */
export interface EncoderInput {
  tensor: string;
  /** Name of the node producing it. */
  producer: string;
}

function scopeOf(node: OnnxNs.INodeProto, pattern: RegExp): { scope: string; layer: number } | undefined {
  for (const key of [node.name ?? '', node.output?.[0] ?? '']) {
    const m = pattern.exec(key);
    if (m) return { scope: m[1], layer: Number(m[2]) };
  }
  return undefined;
}

function rank(node: OnnxNs.INodeProto): number {
  if (node.opType === 'LayerNormalization' || /layer_?norm/i.test(node.name ?? '')) return 2;
  return SHAPE_OPS.has(node.opType ?? '') ? 0 : 1;
}

/**
 * Finds each encoder layer's output: the tensor produced inside the layer's name scope and consumed
 * outside it (or a graph output). With several such tensors, a LayerNorm's output wins (BERT
 * `output/LayerNorm`, wav2vec2 `final_layer_norm`), then any non-shape op, then the last one.
 * `scopePattern` must capture the scope (group 1) and the layer index (group 2).
 */
export function findLayerOutputs(graph: OnnxNs.IGraphProto, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): LayerOutput[] {
  const nodes = graph.node ?? [];
  const scopeOfNode = nodes.map((n) => scopeOf(n, scopePattern));
  const producerIndex = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((t) => producerIndex.set(t, i)));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));

  // exits[scope] = node-ordered tensors produced in the scope and used elsewhere
  const exits = new Map<string, { layer: number; tensors: Set<string> }>();
  const addExit = (tensor: string): void => {
    const p = producerIndex.get(tensor);
    const s = p === undefined ? undefined : scopeOfNode[p];
    if (!s) return;
    const entry = exits.get(s.scope) ?? { layer: s.layer, tensors: new Set<string>() };
    entry.tensors.add(tensor);
    exits.set(s.scope, entry);
  };
  nodes.forEach((n, i) => {
    const own = scopeOfNode[i]?.scope;
    for (const t of n.input ?? []) {
      const p = producerIndex.get(t);
      if (p !== undefined && scopeOfNode[p] && scopeOfNode[p]!.scope !== own) addExit(t);
    }
  });
  for (const t of graphOutputs) addExit(t);

  const result: LayerOutput[] = [];
  for (const [scope, { layer, tensors }] of exits) {
    let best: { tensor: string; node: OnnxNs.INodeProto; score: number; order: number } | undefined;
    for (const tensor of tensors) {
      const order = producerIndex.get(tensor)!;
      const node = nodes[order];
      const score = rank(node);
      if (!best || score > best.score || (score === best.score && order > best.order)) best = { tensor, node, score, order };
    }
    if (best && best.score > 0) result.push({ layer, tensor: best.tensor, scope, producer: best.node.name ?? '' });
  }
  return result.sort((a, b) => a.layer - b.layer);
}

/**
 * Finds the tensor entering encoder layer `first.scope` (HF `hidden_states[0]`): the non-shape tensor
 * produced outside the scope with the most consumers inside it (Q/K/V projections and the residual
 * beat the attention mask). Undefined when the scope consumes no such tensor.
 */
export function findEncoderInput(graph: OnnxNs.IGraphProto, first: LayerOutput, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): EncoderInput | undefined {
  const nodes = graph.node ?? [];
  const producer = new Map<string, OnnxNs.INodeProto>();
  nodes.forEach((n) => (n.output ?? []).forEach((t) => producer.set(t, n)));
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  const counts = new Map<string, number>();
  for (const n of nodes) {
    if (scopeOf(n, scopePattern)?.scope !== first.scope) continue;
    for (const t of n.input ?? []) {
      const p = producer.get(t);
      const inside = p && scopeOf(p, scopePattern)?.scope === first.scope;
      if (inside || (!p && !inputs.has(t)) || (p && SHAPE_OPS.has(p.opType ?? ''))) continue;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  let best: [string, number] | undefined;
  for (const e of counts) if (!best || e[1] > best[1]) best = e;
  return best ? { tensor: best[0], producer: producer.get(best[0])?.name ?? '' } : undefined;
}
