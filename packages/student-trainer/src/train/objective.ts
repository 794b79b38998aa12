import { tf } from '@speechkd/tensor-backend';
import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import { ctcLoss } from '../ctc/index.js';
import type { ForwardOutput, StudentModel } from '../model/student.js';
import type { TrainBatch } from './batches.js';

/** What a loss function sees for one batch. */
export interface LossContext {
  batch: TrainBatch;
  output: ForwardOutput;
  model: StudentModel;
  /** Global step (0-based). */
  step: number;
}

/** Unweighted loss terms by name (each a scalar), e.g. `{ ctc }` or `{ ctc, kd, 's2->t8' }`. */
export type LossTerms = Record<string, Scalar>;

/** A loss-term producer: returns each term unweighted; the objective's weights combine them. */
export type LossFn = (ctx: LossContext) => LossTerms;

/**
 * A training objective: which model outputs it needs, its unweighted terms, and their weights per
 * step (schedules and warm-ups live here, in one place). `prepare` may fetch per-batch extra targets
 * (e.g. cached teacher outputs) before the step; `release` frees them after.
 */
export interface Objective {
  needsHidden: boolean;
  needsAttention: boolean;
  terms: LossFn;
  weights: (step: number) => Record<string, number>;
  prepare?: (batch: TrainBatch, step: number) => Promise<void>;
  release?: (batch: TrainBatch) => void;
  /** Trainable variables the objective owns (projection heads, aligners, learned loss weights), by stable
   * name: optimized with the model and saved in checkpoints, never exported with the model. */
  variables?: Map<string, Variable>;
  /**
   * How many units each term's mean averages over in this batch (CTC: utterances; frame losses: valid output
   * frames; token losses: tokens), called after `prepare`. Data-parallel training weights each slice's term by
   * its share of the whole batch's count, so the slices' gradients sum to the whole batch's. A term missing
   * here averages over utterances.
   */
  termCounts?: (batch: TrainBatch, outputLengths: readonly number[]) => Record<string, number>;
  /** Frees what the objective holds (variables, open caches). */
  dispose?: () => void | Promise<void>;
}

/**
 * How a worker thread rebuilds an objective: `(await import(module))[factory](options)` returns the Objective
 * (or a promise of one). Data-parallel training needs it for any objective but the default CTC one; the trainer
 * builds its own copy the same way, so every replica's objective starts identical.
 */
export interface ObjectiveSpec {
  /** Module specifier resolvable from @speechkd/student-trainer (a package name or a file URL). */
  module: string;
  /** Name of the exported factory. */
  factory: string;
  /** Structured-clonable options passed to the factory. */
  options: unknown;
}

/** Builds the objective a spec describes (the same call on every thread). */
export async function loadObjective(spec: ObjectiveSpec): Promise<Objective> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const make = mod[spec.factory];
  if (typeof make !== 'function') throw new ObjectiveError(`objective module "${spec.module}" has no exported function "${spec.factory}"`);
  return (await (make as (o: unknown) => Objective | Promise<Objective>)(spec.options));
}

/** Error for a loss term without a weight (or a weight without a term). */
export class ObjectiveError extends Error {
  override name = 'ObjectiveError';
}

/**
 * Weighted sum of unweighted terms: every term needs a weight; weight 0 terms are dropped. `scales` (a batch
 * slice's share of each term's count, data-parallel training) multiplies the weights; absent terms keep 1.
 */
export function computeLoss(terms: LossTerms, weights: Record<string, number>, scales?: Record<string, number>): Scalar {
  const parts: Scalar[] = [];
  for (const [name, t] of Object.entries(terms)) {
    const given = weights[name];
    const w = given === undefined || !scales ? given : given * (scales[name] ?? 1);
    if (w === undefined) throw new ObjectiveError(`loss term "${name}" has no weight; weights given: ${Object.keys(weights).join(', ') || 'none'}`);
    if (w !== 0) parts.push(w === 1 ? t : tf.mul(t, w));
  }
  if (parts.length === 0) throw new ObjectiveError('every loss term has weight 0');
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Scalar;
}

/** The CTC term alone: mean over utterances of NLL / target length (PyTorch 'mean'), impossible ones zeroed. */
export function ctcTerm(ctx: LossContext): Scalar {
  return ctcLoss(ctx.output.logits, ctx.batch.labels, ctx.output.logitLengths, ctx.batch.labelLengths, {
    blank: 0,
    reduction: 'mean',
    zeroInfinity: true,
  });
}

/** CTC-only objective (`ctcWeight` scales it; default 1). */
export function ctcObjective(ctcWeight = 1): Objective {
  return {
    needsHidden: false,
    needsAttention: false,
    terms: (ctx) => ({ ctc: ctcTerm(ctx) }),
    weights: () => ({ ctc: ctcWeight }),
  };
}
