import { tf } from '@speechkd/tensor-backend';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
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
  // The objective's own variables (distillation heads) train with the model but stay out of its EMA.
  const vars = objective.variables?.size ? new Map([...model.params.vars, ...objective.variables]) : model.params.vars;
  const varList = [...vars.values()];
  const weights = objective.weights(step);
  const { value, grads, terms } = tf.tidy(() => {
    let kept: LossTerms = {};
    const r = tf.variableGrads(() => {
      const output = model.forward(batch.features, batch.lengths, {
        training: true,
        returnHidden: objective.needsHidden,
        returnAttention: objective.needsAttention,
        dropoutSeed: opt.dropoutSeed,
      });
      kept = objective.terms({ batch, output, model, step });
      // The gradient scope disposes every intermediate but the result; keep the terms for logging.
      for (const t of Object.values(kept)) tf.keep(t);
      return computeLoss(kept, weights);
    }, varList);
    return { value: r.value, grads: r.grads, terms: kept };
  });
  const loss = value.dataSync()[0];
  const termValues: Record<string, number> = {};
  for (const [k, t] of Object.entries(terms)) termValues[k] = (t as Scalar).dataSync()[0];
  const named = new Map<string, Tensor>();
  for (const [name, v] of vars) {
    const g = grads[v.name];
    if (g) named.set(name, g);
  }
  const norm = opt.optimizer.applyClipped(vars, named, opt.lr, opt.clipNorm, !Number.isFinite(loss));
  const applied = Number.isFinite(loss) && Number.isFinite(norm);
  if (applied) opt.ema?.update(model.params.vars);
  tf.dispose([value, ...Object.values(grads), ...Object.values(terms)]);
  return { loss, terms: termValues, gradNorm: norm, applied };
}
