import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { assertRank } from '../assert.js';
import { AlignmentError } from '../errors.js';

/** Something that turns named unweighted losses into one training objective. */
export interface LossWeighting {
  /** Names of the losses it expects. */
  readonly names: readonly string[];
  /** losses: one scalar per name → the weighted total (a scalar). */
  combine(losses: Record<string, Tensor>): Scalar;
  /** The current weight per name (numbers, for logging). */
  weights(): Record<string, number>;
}

/** Checks that `losses` holds exactly one scalar per expected name. */
export function checkLosses(op: string, names: readonly string[], losses: Record<string, Tensor>): void {
  for (const name of names) {
    if (!(name in losses)) throw new AlignmentError(op, 'losses', `lacks '${name}' (expected ${names.join(', ')})`);
    assertRank(op, `losses.${name}`, losses[name], 0, 'a scalar');
  }
  for (const name of Object.keys(losses)) {
    if (!names.includes(name)) throw new AlignmentError(op, 'losses', `has unknown '${name}' (expected ${names.join(', ')})`);
  }
}

/** Fixed weights: total = sum_i w_i * L_i. */
export function fixedWeighting(weights: Record<string, number>): LossWeighting {
  const op = 'fixedWeighting';
  const names = Object.keys(weights);
  if (names.length === 0) throw new AlignmentError(op, 'weights', 'is empty; give at least one named weight');
  for (const n of names) {
    if (!Number.isFinite(weights[n]) || weights[n] < 0) throw new AlignmentError(op, `weights.${n}`, `must be a finite number >= 0, got ${weights[n]}`);
  }
  return {
    names,
    combine: (losses) => {
      checkLosses('fixedWeighting.combine', names, losses);
      return tf.tidy(() => tf.addN(names.map((n) => tf.mul(losses[n], weights[n]))) as Scalar);
    },
    weights: () => ({ ...weights }),
  };
}
