import { tf } from '@speechkd/tensor-backend';
import type { GradSaveFunc, Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { ctcForwardBatch, ctcGradientBatch, releaseForward, type CtcForward } from './ctc-batch.js';
import { CtcError } from './ctc-error.js';
import { readCtcBatch, type CtcBatch, type LengthsLike } from './ctc-inputs.js';

/** How per-utterance losses are combined, as in torch.nn.functional.ctc_loss. */
export type CtcReduction = 'none' | 'mean' | 'sum';

/** Options of `ctcLoss`. */
export interface CtcLossOptions {
  /** Index of the blank class. Default 0. */
  blank?: number;
  /** 'none': loss per utterance [batch]; 'sum': their sum; 'mean' (default): mean over the batch of loss / max(labelLength, 1). */
  reduction?: CtcReduction;
  /** Replace infinite losses (no alignment fits in the frames) and their gradients by 0. Default false. */
  zeroInfinity?: boolean;
}

const OP = 'ctcLoss';

/** Per-utterance loss weights of the reduction: d(reduced loss)/d(loss_b). */
function reductionWeights(reduction: CtcReduction, batch: CtcBatch): Float64Array {
  const w = new Float64Array(batch.batch).fill(1);
  if (reduction === 'mean') {
    for (let b = 0; b < batch.batch; b++) w[b] = 1 / (Math.max(batch.labelLengths[b], 1) * batch.batch);
  }
  return w;
}

/**
 * Connectionist temporal classification loss (negative log-likelihood of the labels summed over alignments).
 * logits: float32 [batch, time, vocab], unnormalized (log-softmax is applied inside); labels: int32
 * [batch, maxLabelLength], padded with anything past each label length; logitLengths, labelLengths: int32 [batch]
 * (tensors or plain arrays). Returns [batch] for reduction 'none', else a scalar. Differentiable with respect to
 * `logits` (tf.grad, variableGrads, optimizers); the gradient matches PyTorch's, including NaN for impossible
 * utterances unless `zeroInfinity`.
 */
export function ctcLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  logitLengths: LengthsLike,
  labelLengths: LengthsLike,
  options: CtcLossOptions & { reduction: 'none' },
): Tensor1D;
export function ctcLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  logitLengths: LengthsLike,
  labelLengths: LengthsLike,
  options?: CtcLossOptions & { reduction?: 'mean' | 'sum' },
): Scalar;
export function ctcLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  logitLengths: LengthsLike,
  labelLengths: LengthsLike,
  options?: CtcLossOptions,
): Tensor1D | Scalar;
export function ctcLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  logitLengths: LengthsLike,
  labelLengths: LengthsLike,
  options: CtcLossOptions = {},
): Tensor1D | Scalar {
  const { blank = 0, reduction = 'mean', zeroInfinity = false } = options;
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new CtcError(`${OP}: option 'reduction' = ${String(reduction)} must be 'none', 'mean' or 'sum'`);
  }
  const batch = readCtcBatch(OP, logits, labels, logitLengths, labelLengths, blank);
  const weights = reductionWeights(reduction, batch);

  // The softmax runs on the backend; the sequential recursion runs here on one copy of its result.
  const run = (x: Tensor): { lp: Float32Array; forward: CtcForward; value: Tensor1D | Scalar } => {
    const logProbsT = tf.logSoftmax(x);
    const lp = logProbsT.dataSync() as Float32Array;
    logProbsT.dispose();
    const forward = ctcForwardBatch(lp, batch, blank);
    const losses = new Float64Array(batch.batch);
    for (let b = 0; b < batch.batch; b++) {
      const nll = 0 - forward.logLik[b]; // not -logLik: no -0 for a certain alignment
      losses[b] = zeroInfinity && nll === Infinity ? 0 : nll;
    }
    if (reduction === 'none') return { lp, forward, value: tf.tensor1d(Float32Array.from(losses), 'float32') };
    let total = 0;
    for (let b = 0; b < batch.batch; b++) total += losses[b] * (reduction === 'mean' ? weights[b] : 1);
    return { lp, forward, value: tf.scalar(total, 'float32') };
  };

  if (!tf.engine().isTapeOn()) {
    // No gradient is being recorded (inference, evaluation): nothing will ask for the backward pass.
    const { forward, value } = run(logits);
    releaseForward(forward);
    return value;
  }
  const lossFn = tf.customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const { lp, forward, value } = run(args[0] as Tensor);
    const gradFunc = (dy: Tensor): Tensor => {
      const upstream = dy.dataSync();
      const scaled = new Float64Array(batch.batch);
      for (let b = 0; b < batch.batch; b++) scaled[b] = weights[b] * (reduction === 'none' ? upstream[b] : upstream[0]);
      const grad = ctcGradientBatch(lp, batch, blank, forward, scaled, zeroInfinity);
      releaseForward(forward);
      return tf.tensor3d(grad, [batch.batch, batch.time, batch.vocab], 'float32');
    };
    return { value, gradFunc };
  });
  return lossFn(logits) as Tensor1D | Scalar;
}
