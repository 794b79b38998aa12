import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertOneOf, assertRank, assertSameDim } from '../assert.js';
import { assertDims, biasVariable, dense, kernelVariable } from '../dense.js';
import { HIDDEN_LOSS_KINDS, hiddenLoss } from '../hidden/hidden-loss.js';
import type { HiddenLossKind } from '../hidden/hidden-loss.js';
import { resolveMask } from '../mask.js';
import { resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';
import { matMul } from '../mat-mul.js';

/** 'tokens-to-frames': each token gathers the speech frames it attends to; 'frames-to-tokens': each frame gathers tokens. */
export type AlignDirection = 'tokens-to-frames' | 'frames-to-tokens';

/** What an aligner produces: the student-side prediction and the teacher-side target over the same steps. */
export interface AlignOutput {
  /** Student side in the text teacher's space: [batch, tokens, textDim] or [batch, frames, textDim]. */
  predicted: Tensor;
  /** Teacher side over the same steps and width. */
  target: Tensor;
  /** Valid steps [batch, steps]. */
  mask: Tensor;
  /** Attention probabilities [batch, queries, keys] (for inspection). */
  attention: Tensor;
}

/** Learnable cross-modal attention (query/key projections plus a speech→text value head). The caller owns its variables. */
export interface AttentionAligner {
  readonly speechDim: number;
  readonly textDim: number;
  readonly attnDim: number;
  /** Speech frames → attention space [speechDim, attnDim]. */
  readonly speechKernel: Variable;
  /** Text tokens → attention space [textDim, attnDim]. */
  readonly textKernel: Variable;
  /** Speech frames → text space [speechDim, textDim] (and bias [textDim]). */
  readonly valueKernel: Variable;
  readonly valueBias: Variable;
  /** All trainable variables. */
  readonly variables: Variable[];
  /** text [batch, tokens, textDim] + mask, speech [batch, frames, speechDim] + mask → aligned pair. */
  align(text: Tensor, textMask: Tensor | undefined, speech: Tensor, speechMask: Tensor | undefined, direction?: AlignDirection): AlignOutput;
  /** Frees the variables. */
  dispose(): void;
}

/** Options for `createAttentionAligner`. */
export interface AttentionAlignerOptions {
  /** Width of the attention space (default 64). */
  attnDim?: number;
  /** Seed of the Glorot-uniform inits (default 0). */
  seed?: number;
}

const NEG = -1e9;

/** Scaled dot-product attention with padded keys masked: query [b,q,a], keys [b,k,a], values [b,k,v] → [[b,q,v], [b,q,k]]. */
function attend(query: Tensor, keys: Tensor, keyMask: Tensor, values: Tensor, attnDim: number): [Tensor, Tensor] {
  const scores = tf.div(matMul(query, keys, false, true), Math.sqrt(attnDim));
  const masked = tf.add(scores, tf.mul(tf.sub(1, tf.expandDims(keyMask, 1)), NEG));
  const attention = tf.softmax(masked, -1);
  return [matMul(attention, values), attention];
}

/**
 * Creates a learnable attention aligner between speech frames (speechDim) and text tokens (textDim).
 * Scores are scaled dot products in an attnDim space; padded keys are masked out.
 */
export function createAttentionAligner(speechDim: number, textDim: number, options: AttentionAlignerOptions = {}): AttentionAligner {
  const op = 'createAttentionAligner';
  const attnDim = options.attnDim ?? 64;
  assertDims(op, { speechDim, textDim, attnDim });
  const seed = options.seed ?? 0;
  const speechKernel = kernelVariable(speechDim, attnDim, seed);
  const textKernel = kernelVariable(textDim, attnDim, seed + 1);
  const valueKernel = kernelVariable(speechDim, textDim, seed + 2);
  const valueBias = biasVariable(textDim);
  const variables = [speechKernel, textKernel, valueKernel, valueBias];
  const align = (text: Tensor, textMask: Tensor | undefined, speech: Tensor, speechMask: Tensor | undefined, direction: AlignDirection = 'tokens-to-frames'): AlignOutput => {
    const name = 'AttentionAligner.align';
    assertOneOf(name, 'direction', direction, ['tokens-to-frames', 'frames-to-tokens'] as const);
    assertRank(name, 'text', text, 3, '[batch, tokens, textDim]');
    assertRank(name, 'speech', speech, 3, '[batch, frames, speechDim]');
    assertNonEmpty(name, 'text', text);
    assertNonEmpty(name, 'speech', speech);
    assertSameDim(name, 'text', text, 0, 'speech', speech, 0, 'batch');
    return tf.tidy(() => {
      const tMask = resolveMask(name, 'textMask', textMask, text.shape[0], text.shape[1] as number);
      const sMask = resolveMask(name, 'speechMask', speechMask, speech.shape[0], speech.shape[1] as number);
      const sKey = dense(name, 'speech', speech, speechKernel, null);
      const tKey = dense(name, 'text', text, textKernel, null);
      const sVal = dense(name, 'speech', speech, valueKernel, valueBias);
      if (direction === 'tokens-to-frames') {
        const [predicted, attention] = attend(tKey, sKey, sMask, sVal, attnDim);
        return { predicted, target: text, mask: tf.clone(tMask), attention };
      }
      const [target, attention] = attend(sKey, tKey, tMask, text, attnDim);
      return { predicted: sVal, target, mask: tf.clone(sMask), attention };
    });
  };
  return {
    speechDim,
    textDim,
    attnDim,
    speechKernel,
    textKernel,
    valueKernel,
    valueBias,
    variables,
    align,
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/** Options for `attentionAlignLoss`. */
export interface AttentionAlignLossOptions {
  /** Which side queries the other (default 'tokens-to-frames'). */
  direction?: AlignDirection;
  /** Distance per step (default 'cosine'). */
  loss?: HiddenLossKind;
  /** 'mean' over valid steps (default), 'sum', or 'none' ([batch, steps]). */
  reduction?: Reduction;
}

/**
 * Cross-modal attention alignment loss: aligns text [batch, tokens, textDim] and speech
 * [batch, frames, speechDim] with `aligner` and compares prediction and target over valid steps.
 */
export function attentionAlignLoss(
  aligner: AttentionAligner,
  text: Tensor,
  textMask: Tensor | undefined,
  speech: Tensor,
  speechMask: Tensor | undefined,
  options: AttentionAlignLossOptions = {},
): Tensor {
  const op = 'attentionAlignLoss';
  const kind = options.loss ?? 'cosine';
  assertOneOf(op, 'loss', kind, HIDDEN_LOSS_KINDS);
  const reduction = resolveReduction(op, options.reduction);
  return tf.tidy(() => {
    const out = aligner.align(text, textMask, speech, speechMask, options.direction);
    return hiddenLoss(kind, out.target, out.predicted, { mask: out.mask, reduction });
  });
}
