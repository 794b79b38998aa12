import type { onnx as OnnxNs } from 'onnx-proto';
import type { GraphIndex } from './graph-index.js';

type Node = OnnxNs.INodeProto;

/** Fused LayerNorm ops: the ONNX one (opset >= 17) and onnxruntime's contrib ops. */
const FUSED = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

function producedBy(index: GraphIndex, tensor: string | null | undefined, op: string): Node | undefined {
  const p = tensor ? index.producer(tensor) : undefined;
  return p?.opType === op ? p : undefined;
}

/**
 * Whether `node` ends a LayerNorm: a fused LayerNormalization, or the last Add of the decomposition
 * that pre-opset-17 exports contain, `Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(...)), gamma), beta)`.
 */
export function isLayerNormEnd(index: GraphIndex, node: Node): boolean {
  if (FUSED.has(node.opType ?? '')) return true;
  if (node.opType !== 'Add') return false;
  for (const a of node.input ?? []) {
    const mul = producedBy(index, a, 'Mul');
    if (!mul) continue;
    for (const b of mul.input ?? []) {
      const div = producedBy(index, b, 'Div');
      if (div && producedBy(index, div.input?.[0], 'Sub')) return true;
    }
  }
  return false;
}

/** The single consumer of `tensor` with op `op`, if there is exactly one. */
function onlyConsumer(index: GraphIndex, tensor: string, op: string): Node | undefined {
  const c = index.consumers(tensor).filter((n) => n.opType === op);
  return c.length === 1 ? c[0] : undefined;
}

/**
 * The output of a LayerNorm applied directly to `tensor` (fused, or decomposed as in `isLayerNormEnd`),
 * or undefined when no LayerNorm reads it. Stable-layer-norm (pre-LN) encoders apply one after their
 * last layer; Hugging Face reports that output as the last hidden state.
 */
export function layerNormOf(index: GraphIndex, tensor: string): string | undefined {
  for (const c of index.consumers(tensor)) {
    if (FUSED.has(c.opType ?? '') && c.input?.[0] === tensor) return c.output?.[0] ?? undefined;
  }
  // Decomposed: Sub(x, ReduceMean(x)) -> Div(., Sqrt(...)) -> Mul(., gamma) -> Add(., beta)
  for (const sub of index.consumers(tensor)) {
    if (sub.opType !== 'Sub' || sub.input?.[0] !== tensor || !producedBy(index, sub.input?.[1], 'ReduceMean')) continue;
    const div = onlyConsumer(index, sub.output![0], 'Div');
    const mul = div && onlyConsumer(index, div.output![0], 'Mul');
    const add = mul && onlyConsumer(index, mul.output![0], 'Add');
    if (add && isLayerNormEnd(index, add)) return add.output?.[0] ?? undefined;
  }
  return undefined;
}
