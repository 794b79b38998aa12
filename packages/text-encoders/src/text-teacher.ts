import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { WordPieceTokenizer } from './tokenizer.js';

/** A text tower's output for a padded batch of texts. The caller owns (and disposes) every tensor. */
export interface TextEncoding {
  /** Token ids `[batch, tokens]` int32, with [CLS]/[SEP], padded with [PAD]. */
  tokenIds: Tensor2D;
  /** 1 for real tokens, 0 for padding, `[batch, tokens]` float32. */
  mask: Tensor2D;
  /**
   * Hidden states in the HF `hidden_states` order: index 0 = embeddings (input of the first layer),
   * index L = output of layer L; `numLayers + 1` tensors, each `[batch, tokens, dim]` float32.
   */
  hiddenStates: Tensor3D[];
  dim: number;
  numLayers: number;
}

/** A frozen text encoder: texts -> token ids, mask and every layer's hidden states. */
export interface TextTeacher {
  /** Human-readable name, e.g. `onnx-bert(/models/bert)` or `text-tower(runs/tt)`. */
  readonly name: string;
  /** sha256 over the weights bytes, the tokenizer and the config that changes outputs; equal fingerprints give equal outputs. */
  readonly fingerprint: string;
  readonly dim: number;
  /** Number of Transformer layers; `hiddenStates.length === numLayers + 1`. */
  readonly numLayers: number;
  /** Longest token sequence (including [CLS]/[SEP]); longer texts are truncated. */
  readonly maxTokens: number;
  /** The tokenizer producing `tokenIds`. */
  readonly tokenizer: WordPieceTokenizer;
  /** Encodes a batch of texts (as given: normalize them first if the teacher expects that). */
  encode(texts: readonly string[]): Promise<TextEncoding>;
  /** Frees the model. */
  dispose(): Promise<void>;
}

/** Disposes every tensor of an encoding. */
export function disposeEncoding(encoding: TextEncoding): void {
  encoding.tokenIds.dispose();
  encoding.mask.dispose();
  encoding.hiddenStates.forEach((h) => h.dispose());
}
