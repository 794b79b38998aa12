import type { onnx as OnnxNs } from 'onnx-proto';
import { appendGraphOutputs } from './append-outputs.js';
import { decodeModel, ElemType, OnnxGraphError } from './proto.js';
import { GraphIndex } from './graph-index.js';
import { locateHiddenStates } from './hidden-states.js';
import { DEFAULT_LAYER_SCOPE, findLayerOutputs } from './layer-outputs.js';
import type { LayerOutput } from './layer-outputs.js';

/** Which tensors `exposeIntermediateOutputs` turns into graph outputs (at least one selector). */
export interface ExposeOptions {
  /** Exact tensor names. */
  names?: string[];
  /** Every node output whose name matches. */
  match?: RegExp;
  /** Each encoder layer's output found by `findLayerOutputs` (optionally with a custom scope pattern). */
  layers?: boolean | RegExp;
  /**
   * HF `hidden_states` convention (`locateHiddenStates`): the first layer's input (embeddings / encoder
   * input) followed by every layer's output; `exposed[0]` is the input, `exposed[L]` layer L's output.
   * Every layer must be found, else it throws.
   */
  hiddenStates?: boolean;
  /** Element type declared for tensors that have no value_info and whose type cannot be inferred (default FLOAT). */
  defaultElemType?: number;
}

/** Result of `exposeIntermediateOutputs`. */
export interface ExposeResult {
  /** The rewritten ModelProto bytes. */
  model: Uint8Array;
  /** Requested tensors in request order (layer order for `layers`), including ones already outputs. */
  exposed: string[];
  /** The subset that was newly added as graph outputs. */
  added: string[];
  /** Layer outputs found when `layers` was requested. */
  layerOutputs: LayerOutput[];
}

function typeTable(graph: OnnxNs.IGraphProto): Map<string, OnnxNs.ITypeProto> {
  const types = new Map<string, OnnxNs.ITypeProto>();
  for (const vi of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    if (vi.name && vi.type) types.set(vi.name, vi.type);
  }
  for (const init of graph.initializer ?? []) {
    if (init.name && !types.has(init.name)) {
      types.set(init.name, { tensorType: { elemType: init.dataType, shape: { dim: (init.dims ?? []).map((d) => ({ dimValue: d })) } } });
    }
  }
  return types;
}

/**
 * Rewrites an ONNX model so the chosen intermediate tensors become graph outputs (e.g. every encoder
 * layer's hidden states `[batch, tokens|frames, dim]`). Declared type/shape come from value_info when
 * present, else the type inferred through the graph (`defaultElemType`, FLOAT, when it cannot be) with
 * unknown rank. The computation is unchanged.
 */
export function exposeIntermediateOutputs(modelBytes: Uint8Array, options: ExposeOptions): ExposeResult {
  const model = decodeModel(modelBytes);
  const graph = model.graph!;
  if (!options.names?.length && !options.match && !options.layers && !options.hiddenStates) {
    throw new OnnxGraphError('exposeIntermediateOutputs: pass names, match, layers or hiddenStates to choose the tensors to expose');
  }
  const produced: string[] = [];
  for (const n of graph.node ?? []) for (const t of n.output ?? []) if (t) produced.push(t);
  const producedSet = new Set(produced);
  const wanted: string[] = [];
  const push = (t: string): void => {
    if (!wanted.includes(t)) wanted.push(t);
  };
  let layerOutputs: LayerOutput[] = [];
  const scopePattern = options.layers instanceof RegExp ? options.layers : DEFAULT_LAYER_SCOPE;
  if (options.hiddenStates) {
    const located = locateHiddenStates(graph, 'exposeIntermediateOutputs', scopePattern);
    layerOutputs = located.layers;
    located.tensors.forEach(push);
  } else if (options.layers) {
    layerOutputs = findLayerOutputs(graph, scopePattern);
    if (layerOutputs.length === 0) {
      throw new OnnxGraphError(
        'exposeIntermediateOutputs: no encoder layer scopes (like /encoder/layer.N/ or /encoder/layers.N/) in the node names; ' +
          'pass match or names instead (list node outputs with `speechkd-onnx-expose --list-all`)',
      );
    }
    layerOutputs.forEach((l) => push(l.tensor));
  }
  for (const name of options.names ?? []) {
    if (!producedSet.has(name)) {
      throw new OnnxGraphError(`exposeIntermediateOutputs: no node produces tensor "${name}"; check the name (list them with --list-all)`);
    }
    push(name);
  }
  if (options.match) {
    const matched = produced.filter((t) => options.match!.test(t));
    if (matched.length === 0) throw new OnnxGraphError(`exposeIntermediateOutputs: no node output matches ${options.match}`);
    matched.forEach(push);
  }
  const types = typeTable(graph);
  const index = new GraphIndex(graph);
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const added: OnnxNs.IValueInfoProto[] = [];
  for (const name of wanted) {
    if (existing.has(name)) continue;
    // Without value_info the element type is inferred through the graph (float16 in fp16 exports).
    const type = types.get(name) ?? { tensorType: { elemType: index.elemType(name) ?? options.defaultElemType ?? ElemType.FLOAT } };
    added.push({ name, type });
  }
  return { model: appendGraphOutputs(modelBytes, added), exposed: wanted, added: added.map((a) => a.name!), layerOutputs };
}

/** Lists every node output name with its producing op, in node order (for choosing `names`/`match`). */
export function listNodeOutputs(modelBytes: Uint8Array): { tensor: string; opType: string; node: string }[] {
  const graph = decodeModel(modelBytes).graph!;
  return (graph.node ?? []).flatMap((n) => (n.output ?? []).filter(Boolean).map((tensor) => ({ tensor, opType: n.opType ?? '', node: n.name ?? '' })));
}

/** Finds the encoder layer outputs of a serialized model (see `findLayerOutputs`). */
export function listLayerOutputs(modelBytes: Uint8Array, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): LayerOutput[] {
  return findLayerOutputs(decodeModel(modelBytes).graph!, scopePattern);
}
