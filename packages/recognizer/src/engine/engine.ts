import type { OnnxSpec } from '../folder/manifest.js';

/** A padded batch for the network: features [batch, frames, bins] row-major, valid frames per utterance. */
export interface EngineInput {
  features: Float32Array;
  dims: readonly [number, number, number];
  lengths: readonly number[];
}

/** The network's answer: logits [batch, frames', vocab] row-major and valid output frames per utterance. */
export interface EngineOutput {
  logits: Float32Array;
  dims: readonly [number, number, number];
  lengths: number[];
}

/** The network of a model folder behind one small interface: onnxruntime-node, onnxruntime-web or a test double. */
export interface InferenceEngine {
  /** Runtime and version, e.g. `onnxruntime-node 1.30.0`. */
  readonly name: string;
  run(input: EngineInput): Promise<EngineOutput>;
  /** Frees the session. */
  release(): Promise<void>;
}

/** Options an engine is created with. */
export interface EngineOptions {
  /** The graph's input and output names. */
  io: Pick<OnnxSpec, 'inputs' | 'outputs'>;
  /** Intra-op threads (onnxruntime-node; onnxruntime-web takes its thread count globally, see `configureOrtWeb`). */
  threads?: number;
}

/** Creates an engine from ONNX model bytes. */
export type EngineFactory = (model: Uint8Array, options: EngineOptions) => Promise<InferenceEngine>;
