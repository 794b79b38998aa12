import { tf } from '@speechkd/tensor-backend';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { StudentModel } from '../model/student.js';
import type { TrainBatch } from './batches.js';
import { computeLoss } from './objective.js';
import type { LossTerms, Objective } from './objective.js';
import type { AdamW, WeightEma } from './optimizer.js';

/** What one optimizer step reports. */
export interface StepResult {
  /** Weighted total loss. */
  loss: number;
  /** Unweighted terms. */
  terms: Record<string, number>;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** False when the loss or gradient was not finite and the update was skipped. */
  applied: boolean;
}

/** Gradients of one batch (or batch slice): the caller disposes `grads`. */
export interface GradientResult {
  /** The weighted (and, for a slice, count-scaled) loss whose gradient this is. */
  loss: number;
  /** Unweighted terms of this batch, unscaled. */
  terms: Record<string, number>;
  /** Gradient per parameter name, for the variables of `trainableVariables` (a variable the loss does not reach has none). */
  grads: Map<string, Tensor>;
}

/** Options of `computeGradients`. */
export interface GradientOptions {
  dropoutSeed: number;
  /** Dropout keys of the batch's utterances (their positions in the global batch; default 0..b-1). */
  itemKeys?: readonly number[];
  /** Per-term multipliers of the weights: a slice's share of each term's count (data-parallel training). */
  scales?: Record<string, number>;
}

/** The variables a step trains, by name: the model's, then the objective's own (distillation heads), which stay out of the EMA. */
export function trainableVariables(model: StudentModel, objective: Objective): Map<string, Variable> {
  return objective.variables?.size ? new Map([...model.params.vars, ...objective.variables]) : model.params.vars;
}

/** Forward, objective and backward for one batch; leak-free apart from the returned gradients. */
export function computeGradients(model: StudentModel, objective: Objective, batch: TrainBatch, step: number, opt: GradientOptions): GradientResult {
  const vars = trainableVariables(model, objective);
  const weights = objective.weights(step);
  const byVarName = new Map([...vars].map(([name, v]) => [v.name, name]));
  const { value, grads, terms } = tf.tidy(() => {
    let kept: LossTerms = {};
    const r = tf.variableGrads(() => {
      const output = model.forward(batch.features, batch.lengths, {
        training: true,
        returnHidden: objective.needsHidden,
        returnAttention: objective.needsAttention,
        dropoutSeed: opt.dropoutSeed,
        itemKeys: opt.itemKeys,
      });
      kept = objective.terms({ batch, output, model, step });
      // The gradient scope disposes every intermediate but the result; keep the terms for logging.
      for (const t of Object.values(kept)) tf.keep(t);
      return computeLoss(kept, weights, opt.scales);
    }, [...vars.values()]);
    return { value: r.value, grads: r.grads, terms: kept };
  });
  const loss = value.dataSync()[0];
  const termValues: Record<string, number> = {};
  for (const [k, t] of Object.entries(terms)) termValues[k] = (t as Scalar).dataSync()[0];
  tf.dispose([value, ...Object.values(terms)]);
  const named = new Map<string, Tensor>();
  for (const [varName, g] of Object.entries(grads)) named.set(byVarName.get(varName)!, g);
  return { loss, terms: termValues, grads: named };
}

/**
 * Forward, objective, backward, clip, AdamW update and EMA for one batch. Leak-free: every tensor made
 * here is disposed before returning. A non-finite loss or gradient skips the update.
 */
export function trainStep(
  model: StudentModel,
  objective: Objective,
  batch: TrainBatch,
  step: number,
  opt: { optimizer: AdamW; ema?: WeightEma; lr: number; clipNorm: number; dropoutSeed: number },
): StepResult {
  const vars = trainableVariables(model, objective);
  const r = computeGradients(model, objective, batch, step, { dropoutSeed: opt.dropoutSeed });
  try {
    const norm = opt.optimizer.applyClipped(vars, r.grads, opt.lr, opt.clipNorm, !Number.isFinite(r.loss));
    const applied = Number.isFinite(r.loss) && Number.isFinite(norm);
    if (applied) opt.ema?.update(model.params.vars);
    return { loss: r.loss, terms: r.terms, gradNorm: norm, applied };
  } finally {
    tf.dispose([...r.grads.values()]);
  }
}
