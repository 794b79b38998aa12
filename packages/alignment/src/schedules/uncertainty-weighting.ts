import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import { ownedVariable } from '../dense.js';
import { AlignmentError } from '../errors.js';
import { checkLosses } from './fixed-weighting.js';
import type { LossWeighting } from './fixed-weighting.js';

/** Learned uncertainty weighting; its log-variance variables belong to the caller (train them with the model). */
export interface UncertaintyWeighting extends LossWeighting {
  /** One scalar log-variance s_i = log(sigma_i^2) per loss name. */
  readonly logVars: Record<string, Variable>;
  /** All trainable variables. */
  readonly variables: Variable[];
  /** Frees the variables. */
  dispose(): void;
}

/**
 * Homoscedastic uncertainty weighting (Kendall, Gal & Cipolla 2018):
 * total = sum_i 0.5 * exp(-s_i) * L_i + 0.5 * s_i with learned s_i = log(sigma_i^2) (init `initLogVar`, default 0).
 * A loss that stays large gets a larger sigma and thus a smaller weight exp(-s_i) / 2.
 */
export function createUncertaintyWeighting(names: readonly string[], initLogVar = 0): UncertaintyWeighting {
  const op = 'createUncertaintyWeighting';
  if (!Array.isArray(names) || names.length === 0) throw new AlignmentError(op, 'names', 'must be a non-empty array of loss names');
  if (new Set(names).size !== names.length) throw new AlignmentError(op, 'names', `has duplicates: ${names.join(', ')}`);
  if (!Number.isFinite(initLogVar)) throw new AlignmentError(op, 'initLogVar', `must be finite, got ${initLogVar}`);
  const logVars: Record<string, Variable> = {};
  for (const n of names) logVars[n] = ownedVariable(tf.scalar(initLogVar));
  const variables = Object.values(logVars);
  return {
    names: [...names],
    logVars,
    variables,
    combine: (losses) => {
      checkLosses('UncertaintyWeighting.combine', names, losses);
      return tf.tidy(() =>
        tf.addN(names.map((n) => tf.mul(tf.add(tf.mul(tf.exp(tf.neg(logVars[n])), losses[n]), logVars[n]), 0.5))) as Scalar,
      );
    },
    weights: () => Object.fromEntries(names.map((n) => [n, 0.5 * Math.exp(-logVars[n].dataSync()[0])])),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
