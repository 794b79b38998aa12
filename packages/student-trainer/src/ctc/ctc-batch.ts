import { extendLabels, minimumFrames } from './ctc-labels.js';
import type { CtcBatch } from './ctc-inputs.js';
import { ctcAlpha, ctcGradient, splitLogProb, ZERO_LEVEL, type UtteranceView } from './ctc-scaled.js';

/** Result of the forward pass over a batch, kept for the gradient. */
export interface CtcForward {
  /** log P(labels_b | x_b) per utterance; -Infinity where no alignment exists. */
  logLik: Float64Array;
  /** Softmax probabilities as mantissa * 2^(-256 * level), [batch, time, vocab] row-major. */
  probs: Float64Array;
  probLevels: Int32Array;
  /** Forward variables (mantissas and levels) of every utterance, concatenated ([frames_b, 2*labelLength_b+1] each). */
  alpha: Float64Array;
  alphaLevels: Int32Array;
  /** Log frame scales of every utterance, concatenated ([frames_b] each). */
  scales: Float64Array;
  /** Start of each utterance's block in `alpha`, and in `scales`. */
  alphaOffsets: Int32Array;
  scaleOffsets: Int32Array;
}

// Large buffers are recycled: allocating megabytes of typed arrays per step makes V8 collect garbage often.
// A forward pass takes the pooled buffers; the gradient pass hands them back when done. A forward whose
// gradient is never taken keeps its buffers, which are then collected normally.
interface Buffers {
  alpha: Float64Array;
  alphaLevels: Int32Array;
  probs: Float64Array;
  probLevels: Int32Array;
}
let pool: Buffers | undefined;

function take(size: number, current: Float64Array | undefined): Float64Array {
  if (current && current.length >= size) {
    current.fill(0, 0, size);
    return current;
  }
  return new Float64Array(size);
}

function takeLevels(size: number, current: Int32Array | undefined, fill: number): Int32Array {
  const out = current && current.length >= size ? current : new Int32Array(size);
  out.fill(fill, 0, size);
  return out;
}

/** Returns a forward pass's buffers to the pool once nothing reads them any more. */
export function releaseForward(forward: CtcForward): void {
  if (!pool || forward.alpha.length >= pool.alpha.length) pool = forward;
}

let extScratch = new Int32Array(0);
let skipScratch = new Uint8Array(0);

function view(lp: Float32Array, probs: Float64Array, probLevels: Int32Array, batch: CtcBatch, blank: number, b: number): UtteranceView {
  const labelLength = batch.labelLengths[b];
  if (extScratch.length < 2 * labelLength + 3) {
    extScratch = new Int32Array(2 * labelLength + 3);
    skipScratch = new Uint8Array(2 * labelLength + 3);
  }
  const states = extendLabels(batch.labels, b * batch.maxLabelLength, labelLength, blank, extScratch, skipScratch);
  return {
    lp, probs, probLevels, base: b * batch.time * batch.vocab, vocab: batch.vocab, frames: batch.logitLengths[b],
    ext: extScratch, skip: skipScratch, states,
  };
}

/** Runs the forward recursion for every utterance. `lp` is the log-softmax, row-major [batch, time, vocab]. */
export function ctcForwardBatch(lp: Float32Array, batch: CtcBatch, blank: number): CtcForward {
  const { time, vocab, maxLabelLength, labels, logitLengths, labelLengths } = batch;
  const alphaOffsets = new Int32Array(batch.batch);
  const scaleOffsets = new Int32Array(batch.batch);
  let totalAlpha = 0;
  let totalScales = 0;
  for (let b = 0; b < batch.batch; b++) {
    alphaOffsets[b] = totalAlpha;
    scaleOffsets[b] = totalScales;
    totalAlpha += logitLengths[b] * (2 * labelLengths[b] + 1);
    totalScales += logitLengths[b];
  }
  const recycled = pool;
  pool = undefined;
  const probs = take(lp.length, recycled?.probs);
  const probLevels = takeLevels(lp.length, recycled?.probLevels, 0);
  const split = { m: 0, k: 0 };
  for (let b = 0; b < batch.batch; b++) {
    const start = b * time * vocab;
    const end = start + logitLengths[b] * vocab;
    for (let i = start; i < end; i++) {
      const x = lp[i];
      if (x > -100) {
        probs[i] = Math.exp(x);
      } else {
        splitLogProb(x, split);
        probs[i] = split.m;
        probLevels[i] = split.k;
      }
    }
  }
  const forward: CtcForward = {
    logLik: new Float64Array(batch.batch), probs, probLevels, alpha: take(totalAlpha, recycled?.alpha),
    alphaLevels: takeLevels(totalAlpha, recycled?.alphaLevels, ZERO_LEVEL),
    scales: new Float64Array(totalScales), alphaOffsets, scaleOffsets,
  };
  for (let b = 0; b < batch.batch; b++) {
    if (minimumFrames(labels, b * maxLabelLength, labelLengths[b]) > logitLengths[b]) {
      forward.logLik[b] = -Infinity;
      continue;
    }
    const u = view(lp, probs, probLevels, batch, blank, b);
    forward.logLik[b] = ctcAlpha(u, forward.alpha, forward.alphaLevels, alphaOffsets[b], forward.scales, scaleOffsets[b]);
  }
  return forward;
}

/**
 * Gradient of sum_b weights[b] * (-log P_b) with respect to the logits, [batch, time, vocab] row-major.
 * Frames past each logit length get 0. Impossible utterances get NaN on their valid frames (as PyTorch does)
 * unless `zeroInfinity`, which gives them 0.
 */
export function ctcGradientBatch(
  lp: Float32Array,
  batch: CtcBatch,
  blank: number,
  forward: CtcForward,
  weights: Float64Array,
  zeroInfinity: boolean,
): Float32Array {
  const { time, vocab, logitLengths } = batch;
  const grad = new Float32Array(batch.batch * time * vocab);
  for (let b = 0; b < batch.batch; b++) {
    const base = b * time * vocab;
    const logLik = forward.logLik[b];
    if (!Number.isFinite(logLik)) {
      if (!zeroInfinity || Number.isNaN(logLik)) grad.fill(NaN, base, base + logitLengths[b] * vocab);
      continue;
    }
    if (weights[b] === 0) continue;
    const u = view(lp, forward.probs, forward.probLevels, batch, blank, b);
    ctcGradient(u, forward.alpha, forward.alphaLevels, forward.alphaOffsets[b], forward.scales, forward.scaleOffsets[b], logLik, weights[b], grad, base);
  }
  return grad;
}
