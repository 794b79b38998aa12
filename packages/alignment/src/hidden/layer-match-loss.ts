import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { assertOneOf } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { HIDDEN_LOSS_KINDS, hiddenLoss } from './hidden-loss.js';
import type { HiddenLossKind } from './hidden-loss.js';
import { pairKey } from './layer-map.js';
import type { LayerPair } from './layer-map.js';
import type { Projector } from './projector.js';

/** Options for `layerMatchLoss`. */
export interface LayerMatchOptions {
  /** Distance per pair (default 'l1'). */
  loss?: HiddenLossKind;
  /** Valid frames [batch, time]. */
  mask?: Tensor;
  /** Projection head per pair key (`s2->t8`), applied to the student state; needed when dims differ. */
  projectors?: Record<string, Projector>;
  /** Combine the pair terms by 'mean' (default) or 'sum' (DistilHuBERT sums its layer terms). */
  combine?: 'mean' | 'sum';
}

/** A total loss with the per-pair terms it was built from (scalars, keyed `s2->t8`) for logging. */
export interface LayerMatchResult {
  total: Scalar;
  terms: Record<string, Scalar>;
}

/**
 * Hidden-state matching over layer pairs. teacherStates[j], studentStates[i]: [batch, time, dim] each;
 * every pair's term is an unweighted masked hidden loss. All returned tensors belong to the caller
 * (inside `tf.tidy` or `optimizer.minimize` they are freed with the scope unless kept).
 */
export function layerMatchLoss(
  teacherStates: readonly Tensor[],
  studentStates: readonly Tensor[],
  pairs: readonly LayerPair[],
  options: LayerMatchOptions = {},
): LayerMatchResult {
  const op = 'layerMatchLoss';
  const kind = options.loss ?? 'l1';
  assertOneOf(op, 'loss', kind, HIDDEN_LOSS_KINDS);
  assertOneOf(op, 'combine', options.combine ?? 'mean', ['mean', 'sum'] as const);
  if (!Array.isArray(pairs) || pairs.length === 0) throw new AlignmentError(op, 'pairs', 'must be a non-empty array of layer pairs');
  const terms: Record<string, Scalar> = {};
  try {
    for (const pair of pairs) {
      const key = pairKey(pair);
      const s = studentStates[pair.student];
      const t = teacherStates[pair.teacher];
      if (!s) throw new AlignmentError(op, 'studentStates', `has ${studentStates.length} layers; pair ${key} needs index ${pair.student}`);
      if (!t) throw new AlignmentError(op, 'teacherStates', `has ${teacherStates.length} layers; pair ${key} needs index ${pair.teacher}`);
      const proj = options.projectors?.[key];
      if (!proj && s.shape[s.rank - 1] !== t.shape[t.rank - 1]) {
        throw new AlignmentError(op, 'projectors', `has no projector for ${key}, whose student dim ${s.shape[s.rank - 1]} differs from teacher dim ${t.shape[t.rank - 1]}`);
      }
      terms[key] = tf.tidy(() => hiddenLoss(kind, t, proj ? proj.apply(s) : s, { mask: options.mask }) as Scalar);
    }
  } catch (err) {
    Object.values(terms).forEach((x) => x.dispose());
    throw err;
  }
  const total = tf.tidy(() => {
    const sum = tf.addN(Object.values(terms));
    return (options.combine === 'sum' ? sum : tf.div(sum, pairs.length)) as Scalar;
  });
  return { total, terms };
}
