import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { assertInt, assertNonEmpty, assertOneOf, assertRank, assertSameDim } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { HIDDEN_LOSS_KINDS, hiddenLoss } from '../hidden/hidden-loss.js';
import type { HiddenLossKind } from '../hidden/hidden-loss.js';
import { resolveMask } from '../mask.js';
import { resolveReduction } from '../reduce.js';
import type { Reduction } from '../reduce.js';
import { matMul } from '../mat-mul.js';

/** Frames averaged per token, and which tokens received at least one frame. */
export interface AlignmentPoolResult {
  /** [batch, tokens, dim]; zero for tokens without frames. */
  pooled: Tensor3D;
  /** [batch, tokens] float 0/1: 1 where the token received at least one frame. */
  tokenMask: Tensor2D;
}

/**
 * Averages frames per token under a hard alignment: frames [batch, frames, dim], alignment int32
 * [batch, frames] holding each frame's token index (-1 or any index outside [0, numTokens) = no token,
 * e.g. blanks and padding) → pooled [batch, numTokens, dim]. Built from a one-hot matMul, so it runs and
 * differentiates on every backend (wasm has no UnsortedSegmentSum).
 */
export function alignmentPool(frames: Tensor, alignment: Tensor, numTokens: number): AlignmentPoolResult {
  const op = 'alignmentPool';
  assertRank(op, 'frames', frames, 3, '[batch, frames, dim]');
  assertRank(op, 'alignment', alignment, 2, '[batch, frames]', 'int32');
  assertNonEmpty(op, 'frames', frames);
  assertSameDim(op, 'alignment', alignment, 0, 'frames', frames, 0, 'batch');
  assertSameDim(op, 'alignment', alignment, 1, 'frames', frames, 1, 'frame count');
  assertInt(op, 'numTokens', numTokens, 1);
  return tf.tidy(() => {
    const tokens = tf.reshape(tf.range(0, numTokens, 1, 'int32'), [1, 1, numTokens]);
    const oneHot = tf.cast(tf.equal(tf.expandDims(alignment, 2), tokens), 'float32'); // [batch, frames, tokens]
    const counts = tf.sum(oneHot, 1); // [batch, tokens]
    const sums = matMul(oneHot, frames, true, false);
    const pooled = tf.div(sums, tf.expandDims(tf.maximum(counts, 1), 2)) as Tensor3D;
    const tokenMask = tf.cast(tf.greater(counts, 0), 'float32') as Tensor2D;
    return { pooled, tokenMask };
  });
}

/** Options for `alignmentPoolLoss`. */
export interface AlignmentPoolLossOptions {
  /** Distance per token (default 'cosine'). */
  loss?: HiddenLossKind;
  /** 'mean' over valid tokens (default), 'sum', or 'none' ([batch, tokens]). */
  reduction?: Reduction;
}

/**
 * Alignment-guided token pooling loss: the student's frames [batch, frames, dim] are averaged per token
 * under `alignment` (int32 [batch, frames], -1 = no token) and matched to the text teacher's token states
 * [batch, tokens, dim] over tokens that are valid (tokenMask [batch, tokens]) and received frames.
 */
export function alignmentPoolLoss(
  tokenStates: Tensor,
  tokenMask: Tensor | undefined,
  frames: Tensor,
  alignment: Tensor,
  options: AlignmentPoolLossOptions = {},
): Tensor {
  const op = 'alignmentPoolLoss';
  const kind = options.loss ?? 'cosine';
  assertOneOf(op, 'loss', kind, HIDDEN_LOSS_KINDS);
  const reduction = resolveReduction(op, options.reduction);
  assertRank(op, 'tokenStates', tokenStates, 3, '[batch, tokens, dim]');
  assertNonEmpty(op, 'tokenStates', tokenStates);
  assertRank(op, 'frames', frames, 3, '[batch, frames, dim]');
  assertSameDim(op, 'tokenStates', tokenStates, 0, 'frames', frames, 0, 'batch');
  assertSameDim(op, 'tokenStates', tokenStates, 2, 'frames', frames, 2, 'dim');
  return tf.tidy(() => {
    const [batch, numTokens] = tokenStates.shape;
    const valid = resolveMask(op, 'tokenMask', tokenMask, batch, numTokens);
    const { pooled, tokenMask: hit } = alignmentPool(frames, alignment, numTokens);
    return hiddenLoss(kind, tokenStates, pooled, { mask: tf.mul(valid, hit), reduction });
  });
}

/**
 * Frame-to-token alignment from a CTC best path (per-frame label ids, e.g. an argmax): each emitted
 * label (a non-blank frame whose label differs from the previous frame's, or follows a blank) starts a
 * new token index; its repeated frames share it; blank frames get -1. Returns Int32Array [frames].
 */
export function ctcPathToAlignment(path: ArrayLike<number>, blank = 0): Int32Array {
  const out = new Int32Array(path.length);
  let token = -1;
  let prev = blank;
  for (let f = 0; f < path.length; f++) {
    const label = path[f];
    if (label === blank) out[f] = -1;
    else {
      if (label !== prev) token++;
      out[f] = token;
    }
    prev = label;
  }
  return out;
}

/** Packs per-utterance alignments into an int32 tensor [batch, frames], padding with -1. */
export function alignmentTensor(rows: ReadonlyArray<ArrayLike<number>>, frames: number): Tensor2D {
  const op = 'alignmentTensor';
  assertInt(op, 'frames', frames, 1);
  if (rows.length === 0) throw new AlignmentError(op, 'rows', 'is empty; pass at least one utterance');
  const data = new Int32Array(rows.length * frames).fill(-1);
  rows.forEach((row, b) => {
    if (row.length > frames) throw new AlignmentError(op, 'rows', `[${b}] has ${row.length} frames, more than frames=${frames}`);
    for (let f = 0; f < row.length; f++) data[b * frames + f] = row[f];
  });
  return tf.tensor2d(data, [rows.length, frames], 'int32');
}
