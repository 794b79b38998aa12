import type { onnx as OnnxNs } from 'onnx-proto';
import { GraphIndex } from './graph-index.js';
import { layerNormOf } from './layer-norm.js';
import { DEFAULT_LAYER_SCOPE, findEncoderInput, scanLayerScopes } from './layer-outputs.js';
import type { EncoderInput, LayerOutput } from './layer-outputs.js';
import { OnnxGraphError } from './proto.js';

/** Where an encoder's hidden states live in a graph, in the Hugging Face `hidden_states` order. */
export interface HiddenStateTensors {
  /** `numLayers + 1` tensor names: [0] enters layer 0, [L] is layer L's output. */
  tensors: string[];
  /** Each layer's output as found in its scope. */
  layers: LayerOutput[];
  /** The tensor entering layer 0. */
  encoderInput: EncoderInput;
  /**
   * The LayerNorm output after the last layer when the encoder has one (stable-layer-norm, pre-LN
   * models such as wav2vec2-large-lv60): their `last_hidden_state`, what a CTC head reads. Not in
   * `tensors`: transformers (>= 5) and torchaudio's `extract_features` report the last layer's own
   * output as the last hidden state (transformers 4.x reported this LayerNorm's output instead).
   * Null for post-LN encoders, whose last layer ends in a LayerNorm.
   */
  finalNorm: string | null;
}

const LOOKED_FOR = 'a float [batch, time, dim] tensor leaving the scope: a LayerNormalization output, a decomposed LayerNorm ' +
  '(ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add), or a residual Add; seen through Cast and QuantizeLinear/DequantizeLinear';

/**
 * Locates every hidden state of a Transformer encoder export by structure (see `scanLayerScopes` and
 * `findEncoderInput`). Throws `OnnxGraphError` naming the graph (`where`) and what was looked for when
 * there are no layer scopes, a layer is missing, or a layer has no tensor that can be its output.
 */
export function locateHiddenStates(graph: OnnxNs.IGraphProto, where: string, scopePattern: RegExp = DEFAULT_LAYER_SCOPE): HiddenStateTensors {
  const index = new GraphIndex(graph);
  const scopes = scanLayerScopes(index, scopePattern);
  if (!scopes.length) {
    throw new OnnxGraphError(
      `${where}: no encoder layer scopes (node names like /encoder/layer.N/ or /encoder/layers.N/); export with torch.onnx or optimum, ` +
        'which keep module names, or list the tensors with `speechkd-onnx-expose --list-all` and pass names',
    );
  }
  scopes.forEach((s, i) => {
    if (s.layer !== i) throw new OnnxGraphError(`${where}: encoder layer ${i} not found (layer scopes: ${scopes.map((x) => x.layer).join(', ')})`);
    if (!s.chosen) {
      const seen = s.rejected.map((r) => `${r.tensor} (${r.op || 'input'}: ${r.reason})`).join('; ') || 'none';
      throw new OnnxGraphError(`${where}: layer ${i} (${s.scope}) has no hidden-state output; looked for ${LOOKED_FOR}. Tensors leaving the scope: ${seen}`);
    }
  });
  const layers = scopes.map((s) => s.chosen!);
  const encoderInput = findEncoderInput(index, layers[0], scopePattern);
  if (!encoderInput) throw new OnnxGraphError(`${where}: no float tensor enters ${layers[0].scope} (the input of layer 0, hidden state 0)`);
  const finalNorm = layerNormOf(index, layers[layers.length - 1].tensor) ?? null;
  return { tensors: [encoderInput.tensor, ...layers.map((l) => l.tensor)], layers, encoderInput, finalNorm };
}
