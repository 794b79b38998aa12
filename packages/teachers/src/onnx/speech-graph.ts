import { decodeModel, int64ToNumber, locateHiddenStates, OnnxGraphError, readExternalData } from '@speechkd/onnx-graph';
import { TeacherLoadError } from '../errors.js';
import type { ConvLayerSpec } from './wav2vec2-config.js';

/** Where a wav2vec2-family graph keeps what the teacher needs. */
export interface SpeechGraphInfo {
  /** Tensor of hidden state L (0 = input of the first layer, L = output of layer L). */
  hiddenTensors: string[];
  /** Graph output holding CTC logits, or null. */
  logitsOutput: string | null;
  inputNames: string[];
  /** Whether the waveform input is float16 (fp16 exports made without keep_io_types). */
  float16Input: boolean;
  /** Feature-encoder convolutions read from the graph's Conv nodes (`feature_extractor`/`conv_layers` scopes). */
  convLayers: ConvLayerSpec[];
  /** External weight files the graph points to, read from beside `modelFile` (empty without one, or for ordinary models). */
  externalData: Array<{ path: string; data: Uint8Array }>;
}

type GraphProto = NonNullable<ReturnType<typeof decodeModel>['graph']>;
type NodeProto = NonNullable<GraphProto['node']>[number];

function attrInts(node: NodeProto, name: string): number[] {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return (a?.ints ?? []).map((v) => int64ToNumber(v as number));
}

/**
 * Analyses a wav2vec 2.0 / HuBERT ONNX graph (any transformers.js variant: fp32, fp16, q8, ...): the
 * hidden-state tensors found by structure (`locateHiddenStates`), the logits output and the conv
 * feature encoder (plain or quantized Conv). With `modelFile`, also reads the external weight files
 * beside it that the graph refers to.
 */
export function analyseSpeechGraph(bytes: Uint8Array, where: string, modelFile?: string): SpeechGraphInfo {
  const graph = decodeModel(bytes, where).graph!;
  let hiddenTensors: string[];
  let externalData: SpeechGraphInfo['externalData'] = [];
  try {
    hiddenTensors = locateHiddenStates(graph, where).tensors;
    if (modelFile) externalData = readExternalData(graph, modelFile);
  } catch (err) {
    if (err instanceof OnnxGraphError) throw new TeacherLoadError(err.message);
    throw err;
  }
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const convLayers = (graph.node ?? [])
    .filter((n) => (n.opType === 'Conv' || n.opType === 'ConvInteger') && /feature_extractor|conv_layers/.test(n.name ?? ''))
    .map((n) => ({ kernel: attrInts(n, 'kernel_shape')[0], stride: attrInts(n, 'strides')[0] ?? 1 }))
    .filter((c) => c.kernel > 0);
  const initializers = new Set((graph.initializer ?? []).map((x) => x.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name));
  return {
    hiddenTensors,
    logitsOutput: outputs.has('logits') ? 'logits' : null,
    inputNames: inputs.map((i) => i.name ?? ''),
    float16Input: inputs[0]?.type?.tensorType?.elemType === 10,
    convLayers,
    externalData,
  };
}
