import { tf } from '@speechkd/tensor-backend';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { TextTowerConfig } from './config.js';
import { gatherRows, mlmLogits, towerForward } from './model.js';
import type { TowerParams } from './model.js';

/** A padded batch with BERT masking applied (all row-major `[batch * tokens]`). */
export interface MaskedBatch {
  /** Model input ids (compact) after masking. */
  inputIds: Int32Array;
  /** 1 real, 0 pad. */
  mask: Float32Array;
  batch: number;
  tokens: number;
  /** Flat positions (b * tokens + t) chosen for prediction. */
  positions: Int32Array;
  /** Original compact ids at `positions`. */
  labels: Int32Array;
}

/** Compact-vocabulary facts masking needs. */
export interface MaskingVocab {
  /** Compact id of [MASK]. */
  maskId: number;
  /** Compact ids below this are special tokens (never chosen, never used as random replacements). */
  numSpecial: number;
  size: number;
}

/**
 * Pads sequences and applies BERT masking: each non-special token is chosen with probability
 * `prob` (at least one per batch); chosen tokens become [MASK] 80%, a random token 10%, unchanged 10%.
 */
export function maskBatch(seqs: readonly Int32Array[], vocab: MaskingVocab, rand: () => number, prob = 0.15): MaskedBatch {
  const batch = seqs.length;
  const tokens = Math.max(...seqs.map((s) => s.length));
  const inputIds = new Int32Array(batch * tokens);
  const mask = new Float32Array(batch * tokens);
  const candidates: number[] = [];
  const positions: number[] = [];
  seqs.forEach((s, b) => {
    inputIds.set(s, b * tokens);
    mask.fill(1, b * tokens, b * tokens + s.length);
    for (let t = 0; t < s.length; t++) {
      if (s[t] < vocab.numSpecial) continue;
      candidates.push(b * tokens + t);
      if (rand() < prob) positions.push(b * tokens + t);
    }
  });
  if (positions.length === 0 && candidates.length > 0) positions.push(candidates[Math.floor(rand() * candidates.length)]);
  const labels = Int32Array.from(positions, (i) => inputIds[i]);
  for (const i of positions) {
    const r = rand();
    if (r < 0.8) inputIds[i] = vocab.maskId;
    else if (r < 0.9) inputIds[i] = vocab.numSpecial + Math.floor(rand() * (vocab.size - vocab.numSpecial));
  }
  return { inputIds, mask, batch, tokens, positions: Int32Array.from(positions), labels };
}

/** Mean cross-entropy (nats) of the MLM predictions at the masked positions; scalar. */
export function mlmLoss(p: TowerParams, c: TextTowerConfig, mb: MaskedBatch): Scalar {
  return tf.tidy(() => {
    const ids = tf.tensor2d(mb.inputIds, [mb.batch, mb.tokens], 'int32');
    const mask = tf.tensor2d(mb.mask, [mb.batch, mb.tokens]);
    const states = towerForward(p, c, ids, mask);
    const last = tf.reshape(states[states.length - 1], [-1, c.hidden]) as Tensor2D;
    const rows = gatherRows(last, tf.tensor1d(mb.positions, 'int32') as Tensor1D);
    const logp = tf.logSoftmax(mlmLogits(p, c, rows));
    const onehot = tf.oneHot(tf.tensor1d(mb.labels, 'int32'), c.vocabSize);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), -1))) as Scalar;
  });
}
