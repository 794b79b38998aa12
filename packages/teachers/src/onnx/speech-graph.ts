import { decodeModel, findEncoderInput, findLayerOutputs, int64ToNumber } from '@speechkd/onnx-graph';
import { TeacherLoadError } from '../errors.js';
import type { ConvLayerSpec } from './wav2vec2-config.js';

/** Where a wav2vec2-family graph keeps what the teacher needs. */
export interface SpeechGraphInfo {
  /** Tensor of hidden state L (0 = input of the first layer, L = output of layer L; the last is `last_hidden_state` when it exists). */
  hiddenTensors: string[];
  /** Graph output holding CTC logits, or null. */
  logitsOutput: string | null;
  inputNames: string[];
  /** Feature-encoder convolutions read from the graph's Conv nodes (`feature_extractor`/`conv_layers` scopes). */
  convLayers: ConvLayerSpec[];
}

type GraphProto = NonNullable<ReturnType<typeof decodeModel>['graph']>;
type NodeProto = NonNullable<GraphProto['node']>[number];

function attrInts(node: NodeProto, name: string): number[] {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return (a?.ints ?? []).map((v) => int64ToNumber(v as number));
}

/** Analyses a wav2vec 2.0 / HuBERT ONNX graph: layer tensors, logits output and conv feature encoder. */
export function analyseSpeechGraph(bytes: Uint8Array, where: string): SpeechGraphInfo {
  const graph = decodeModel(bytes, where).graph!;
  const layers = findLayerOutputs(graph);
  if (!layers.length) {
    throw new TeacherLoadError(`${where}: no encoder layers named like /encoder/layers.N/ in the graph; export it with torch.onnx (node names kept) or optimum`);
  }
  layers.forEach((l, i) => {
    if (l.layer !== i) throw new TeacherLoadError(`${where}: encoder layer ${i} not found (found layers ${layers.map((x) => x.layer).join(',')})`);
  });
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const h0 = findEncoderInput(graph, layers[0])?.tensor;
  if (!h0) throw new TeacherLoadError(`${where}: cannot find the input of encoder layer 0 (hidden state 0)`);
  const hiddenTensors = [h0, ...layers.map((l) => l.tensor)];
  if (outputs.has('last_hidden_state')) hiddenTensors[hiddenTensors.length - 1] = 'last_hidden_state'; // HF: final encoder LayerNorm of stable-LN models
  const convLayers = (graph.node ?? [])
    .filter((n) => n.opType === 'Conv' && /feature_extractor|conv_layers/.test(n.name ?? ''))
    .map((n) => ({ kernel: attrInts(n, 'kernel_shape')[0], stride: attrInts(n, 'strides')[0] ?? 1 }))
    .filter((c) => c.kernel > 0);
  return {
    hiddenTensors,
    logitsOutput: outputs.has('logits') ? 'logits' : null,
    inputNames: (graph.input ?? []).map((i) => i.name ?? '').filter((n) => !(graph.initializer ?? []).some((x) => x.name === n)),
    convLayers,
  };
}
