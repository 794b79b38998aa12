// Plain log-space CTC forward-backward for one utterance: the textbook recursion, kept as the reference the
// faster scaled recursion (ctc-scaled.ts) is tested against on inputs where the two representations differ most.
import { bandHigh, bandLow, logAdd2, logAdd3 } from './ctc-labels.js';

/** Stands for log(0): finite so that differences never produce NaN, small enough that exp() of it is 0. */
export const LOG_ZERO = -1e30;
/** Log-likelihoods below this are impossible alignments. */
const LOG_ZERO_LIMIT = -1e29;

/**
 * Forward variables: alpha[alphaBase + t*S + s] = log P(l'_1..s emitted in frames 0..t), for t < frames.
 * `lp` holds log-probabilities [time, vocab] starting at `lpBase`. Returns log P(labels | x), -Infinity if impossible.
 */
export function ctcLogAlpha(
  lp: Float32Array,
  lpBase: number,
  vocab: number,
  frames: number,
  ext: Int32Array,
  skip: Uint8Array,
  states: number,
  alpha: Float64Array,
  alphaBase: number,
): number {
  if (frames === 0) return states === 1 ? 0 : -Infinity;
  alpha.fill(LOG_ZERO, alphaBase, alphaBase + frames * states);
  alpha[alphaBase] = lp[lpBase + ext[0]];
  if (states > 1) alpha[alphaBase + 1] = lp[lpBase + ext[1]];
  for (let t = 1; t < frames; t++) {
    const prev = alphaBase + (t - 1) * states;
    const cur = prev + states;
    const row = lpBase + t * vocab;
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    for (let s = lo; s <= hi; s++) {
      const stay = alpha[prev + s];
      let sum: number;
      if (s === 0) sum = stay;
      else if (skip[s] === 1) sum = logAdd3(stay, alpha[prev + s - 1], alpha[prev + s - 2]);
      else sum = logAdd2(stay, alpha[prev + s - 1]);
      alpha[cur + s] = sum + lp[row + ext[s]];
    }
  }
  const last = alphaBase + (frames - 1) * states;
  const logLik = states > 1 ? logAdd2(alpha[last + states - 1], alpha[last + states - 2]) : alpha[last];
  return logLik < LOG_ZERO_LIMIT ? -Infinity : logLik;
}

/** Reusable scratch rows for the backward pass (the pass is synchronous, so one set serves every call). */
let betaA = new Float64Array(0);
let betaB = new Float64Array(0);
let occupancy = new Float64Array(0);

/**
 * Backward pass and gradient for one utterance with finite log-likelihood: writes
 * grad[gradBase + t*vocab + v] = weight * (softmax[t, v] - sum over states s with l'_s = v of posterior(t, s))
 * for t < frames, i.e. d(weight * -log P)/d logits through the log-softmax. Rows t >= frames are left untouched.
 */
export function ctcLogGradient(
  lp: Float32Array,
  lpBase: number,
  vocab: number,
  frames: number,
  ext: Int32Array,
  skip: Uint8Array,
  states: number,
  alpha: Float64Array,
  alphaBase: number,
  logLik: number,
  weight: number,
  grad: Float32Array,
  gradBase: number,
): void {
  if (betaA.length < states + 2) {
    betaA = new Float64Array(states + 2);
    betaB = new Float64Array(states + 2);
  }
  if (occupancy.length < vocab) occupancy = new Float64Array(vocab);
  // Two padding cells past the end let s+1 and s+2 be read without bounds checks.
  let next = betaA;
  let cur = betaB;
  next.fill(LOG_ZERO, 0, states + 2);
  for (let t = frames - 1; t >= 0; t--) {
    const row = lpBase + t * vocab;
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    cur.fill(LOG_ZERO, 0, states + 2);
    // beta[t, s] = log P(l'_s.. emitted in frames t..end | state s at t), including frame t's emission.
    if (t === frames - 1) {
      cur[states - 1] = lp[row + ext[states - 1]];
      if (states > 1) cur[states - 2] = lp[row + ext[states - 2]];
    } else {
      for (let s = lo; s <= hi; s++) {
        const sum = s + 2 < states && skip[s + 2] === 1 ? logAdd3(next[s], next[s + 1], next[s + 2]) : logAdd2(next[s], next[s + 1]);
        cur[s] = sum + lp[row + ext[s]];
      }
    }
    occupancy.fill(0, 0, vocab);
    const alphaRow = alphaBase + t * states;
    for (let s = lo; s <= hi; s++) {
      const e = ext[s];
      const logPost = alpha[alphaRow + s] + cur[s] - lp[row + e] - logLik;
      if (logPost > -745) occupancy[e] += Math.exp(logPost);
    }
    const out = gradBase + t * vocab;
    for (let v = 0; v < vocab; v++) grad[out + v] = weight * (Math.exp(lp[row + v]) - occupancy[v]);
    const tmp = next;
    next = cur;
    cur = tmp;
  }
}
