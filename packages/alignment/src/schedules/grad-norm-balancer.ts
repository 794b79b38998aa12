import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import { assertInRange } from '../assert.js';
import { AlignmentError } from '../errors.js';
import { checkLosses } from './fixed-weighting.js';
import type { LossWeighting } from './fixed-weighting.js';

/** Gradient-norm balancing: weights that equalise each loss's gradient norm on shared parameters. */
export interface GradNormBalancer extends LossWeighting {
  /**
   * Recomputes the weights: one backward pass per loss over `shared` (the parameters the losses compete
   * for, e.g. the student's last encoder layer), target w_i ∝ 1 / ||dL_i/dshared||, normalised so the
   * weights sum to the number of losses, then smoothed by the EMA. Call every few steps; returns the weights.
   */
  update(lossFns: Record<string, () => Scalar>, shared: Variable[]): Record<string, number>;
}

/** Options for `createGradNormBalancer`. */
export interface GradNormOptions {
  /** EMA factor for the weights in [0, 1) (default 0.9; 0 = use the newest estimate only). */
  ema?: number;
}

/**
 * Simple inverse-gradient-norm balancing (the equal-norm target of GradNorm, Chen et al. 2018, without
 * its learned weights or training-rate term): after `update`, every weighted loss pulls on the shared
 * parameters with about the same gradient norm. Weights start at 1.
 */
export function createGradNormBalancer(names: readonly string[], options: GradNormOptions = {}): GradNormBalancer {
  const op = 'createGradNormBalancer';
  if (!Array.isArray(names) || names.length === 0) throw new AlignmentError(op, 'names', 'must be a non-empty array of loss names');
  const ema = options.ema ?? 0.9;
  assertInRange(op, 'ema', ema, 0, 0.999999);
  const w: Record<string, number> = Object.fromEntries(names.map((n) => [n, 1]));
  let first = true;
  return {
    names: [...names],
    weights: () => ({ ...w }),
    combine: (losses) => {
      checkLosses('GradNormBalancer.combine', names, losses);
      return tf.tidy(() => tf.addN(names.map((n) => tf.mul(losses[n], w[n]))) as Scalar);
    },
    update: (lossFns, shared) => {
      const uop = 'GradNormBalancer.update';
      if (!Array.isArray(shared) || shared.length === 0) throw new AlignmentError(uop, 'shared', 'must be a non-empty array of variables');
      const norms = names.map((n) => {
        const fn = lossFns[n];
        if (typeof fn !== 'function') throw new AlignmentError(uop, 'lossFns', `lacks a function for '${n}'`);
        const { value, grads } = tf.variableGrads(fn, shared);
        const normT = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
        const norm = normT.dataSync()[0];
        tf.dispose([value, normT, ...Object.values(grads)]);
        return Math.max(norm, 1e-12);
      });
      const inv = norms.map((g) => 1 / g);
      const scale = names.length / inv.reduce((a, b) => a + b, 0);
      names.forEach((n, i) => {
        const target = inv[i] * scale;
        w[n] = first ? target : ema * w[n] + (1 - ema) * target;
      });
      first = false;
      return { ...w };
    },
  };
}
