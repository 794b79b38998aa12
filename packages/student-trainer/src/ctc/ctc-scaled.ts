// CTC forward-backward for one utterance, written by hand because the recursion is sequential in time.
// Speed comes from working on probabilities rescaled per frame (multiply-adds, no exp/log per cell);
// exactness comes from keeping any cell more than 1e-150 below its frame's maximum as an exact log value
// instead, computed with log-sum-exp. So results equal the log-space recursion's, which the tests check
// against ctc-log-reference.ts, yet typical inputs never pay for a transcendental function per cell.
//
// Cell encoding in the alpha/beta rows: 0 = probability zero; > 0 = probability divided by exp(frame scale);
// < 0 = the absolute log-probability (a cell whose probability is <= 1 and tiny, so its log is far below 0).
import { bandHigh, bandLow, logAdd3 } from './ctc-labels.js';

/** Linear values below this, relative to the frame maximum, are stored as logs. */
const TINY = 1e-150;
const LOG_TINY = Math.log(TINY);
/** A linear sum at least this large makes inputs stored as logs (< TINY) negligible: < 1e-50 relative. */
const SAFE = 1e-100;
/** A linear product below this may have underflowed; recompute it in log space. */
const UNDERFLOW = 1e-250;

/** Absolute log of an encoded cell at frame scale `scale`. */
function cellLog(x: number, scale: number): number {
  return x > 0 ? Math.log(x) + scale : x < 0 ? x : -Infinity;
}

/**
 * Rescales row cells [lo, hi] (linear ones relative to `prevScale`) so the largest is 1, moving cells across the
 * TINY boundary between the linear and log encodings. Returns the new scale (log of the row maximum).
 */
function normalizeRow(row: Float64Array, base: number, lo: number, hi: number, prevScale: number): number {
  let maxLin = 0;
  let maxLog = -Infinity;
  for (let s = lo; s <= hi; s++) {
    const v = row[base + s];
    if (v > maxLin) maxLin = v;
    else if (v < 0 && v > maxLog) maxLog = v;
  }
  const linScale = maxLin > 0 ? prevScale + Math.log(maxLin) : -Infinity;
  const scale = linScale > maxLog ? linScale : maxLog;
  if (scale === -Infinity) return prevScale;
  const r = maxLin > 0 ? Math.exp(prevScale - scale) : 0;
  for (let s = lo; s <= hi; s++) {
    const i = base + s;
    const v = row[i];
    if (v > 0) {
      const w = v * r;
      row[i] = w >= TINY ? w : Math.log(v) + prevScale;
    } else if (v < 0) {
      const d = v - scale;
      if (d >= LOG_TINY) row[i] = Math.exp(d);
    }
  }
  return scale;
}

/** Per-call views of one utterance: log-probabilities and probabilities [frames, vocab] from `base`. */
export interface UtteranceView {
  lp: Float32Array;
  probs: Float64Array;
  base: number;
  vocab: number;
  frames: number;
  ext: Int32Array;
  skip: Uint8Array;
  states: number;
}

/**
 * Forward pass: fills alpha[alphaBase + t*S + s] (encoded; the block must start zeroed) and scales[scaleBase + t],
 * the log of frame t's scale. Returns log P(labels | x), -Infinity when no alignment exists.
 */
export function ctcAlpha(u: UtteranceView, alpha: Float64Array, alphaBase: number, scales: Float64Array, scaleBase: number): number {
  const { lp, probs, base, vocab, frames, ext, skip, states } = u;
  if (frames === 0) return states === 1 ? 0 : -Infinity;
  for (let s = 0; s < Math.min(states, 2); s++) {
    const p = probs[base + ext[s]];
    alpha[alphaBase + s] = p >= UNDERFLOW ? p : lp[base + ext[s]];
  }
  let scale = normalizeRow(alpha, alphaBase, 0, Math.min(states, 2) - 1, 0);
  scales[scaleBase] = scale;
  for (let t = 1; t < frames; t++) {
    const prev = alphaBase + (t - 1) * states;
    const cur = prev + states;
    const row = base + t * vocab;
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    for (let s = lo; s <= hi; s++) {
      const a = alpha[prev + s];
      const b = s > 0 ? alpha[prev + s - 1] : 0;
      const c = skip[s] === 1 ? alpha[prev + s - 2] : 0;
      const lin = (a > 0 ? a : 0) + (b > 0 ? b : 0) + (c > 0 ? c : 0);
      const hasLog = a < 0 || b < 0 || c < 0;
      const raw = lin * probs[row + ext[s]];
      if (raw >= SAFE || (!hasLog && raw >= UNDERFLOW)) alpha[cur + s] = raw;
      else if (!hasLog && lin === 0) alpha[cur + s] = 0;
      else alpha[cur + s] = logAdd3(cellLog(a, scale), cellLog(b, scale), cellLog(c, scale)) + lp[row + ext[s]];
    }
    scale = normalizeRow(alpha, cur, lo, hi, scale);
    scales[scaleBase + t] = scale;
  }
  const last = alphaBase + (frames - 1) * states;
  const end = cellLog(alpha[last + states - 1], scale);
  const beforeEnd = states > 1 ? cellLog(alpha[last + states - 2], scale) : -Infinity;
  if (end === -Infinity && beforeEnd === -Infinity) return -Infinity;
  return logAdd3(end, beforeEnd, -Infinity);
}

// Scratch rows for the backward pass (synchronous, so one set serves every call).
let rowA = new Float64Array(0);
let rowB = new Float64Array(0);
let occupancy = new Float64Array(0);

/**
 * Backward pass and gradient: for t < frames writes
 * grad[gradBase + t*vocab + v] = weight * (softmax[t, v] - sum over states s with l'_s = v of posterior(t, s)),
 * i.e. d(weight * -log P)/d logits through the log-softmax. `logLik` must be finite.
 */
export function ctcGradient(
  u: UtteranceView,
  alpha: Float64Array,
  alphaBase: number,
  scales: Float64Array,
  scaleBase: number,
  logLik: number,
  weight: number,
  grad: Float32Array,
  gradBase: number,
): void {
  const { lp, probs, base, vocab, frames, ext, skip, states } = u;
  if (rowA.length < states + 2) {
    rowA = new Float64Array(states + 2);
    rowB = new Float64Array(states + 2);
  }
  if (occupancy.length < vocab) occupancy = new Float64Array(vocab);
  // beta[t, s] = P(frames t+1.. emit the rest | state s at frame t), excluding frame t's own emission, so that
  // alpha * beta / P is the posterior of state s at frame t. Two zero cells past the end pad s+1 and s+2.
  let next = rowA;
  let cur = rowB;
  let nextScale = 0;
  for (let t = frames - 1; t >= 0; t--) {
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    cur.fill(0, 0, states + 2);
    let scale: number;
    if (t === frames - 1) {
      cur[states - 1] = 1;
      if (states > 1) cur[states - 2] = 1;
      scale = 0;
    } else {
      const row = base + (t + 1) * vocab;
      for (let s = lo; s <= hi; s++) {
        const a = next[s];
        const b = next[s + 1];
        const c = skip[s + 2] === 1 ? next[s + 2] : 0;
        const ea = row + ext[s];
        const eb = row + ext[s + 1];
        const ec = row + ext[s + 2];
        const lin = (a > 0 ? a * probs[ea] : 0) + (b > 0 ? b * probs[eb] : 0) + (c > 0 ? c * probs[ec] : 0);
        const hasLog = a < 0 || b < 0 || c < 0;
        if (lin >= SAFE || (!hasLog && lin >= UNDERFLOW)) cur[s] = lin;
        else if (!hasLog && a <= 0 && b <= 0 && c <= 0) cur[s] = 0;
        else cur[s] = logAdd3(cellLog(a, nextScale) + lp[ea], cellLog(b, nextScale) + lp[eb], cellLog(c, nextScale) + lp[ec]);
      }
      scale = normalizeRow(cur, 0, lo, hi, nextScale);
    }
    occupancy.fill(0, 0, vocab);
    const alphaRow = alphaBase + t * states;
    const alphaScale = scales[scaleBase + t];
    const logFactor = alphaScale + scale - logLik;
    const factor = Math.exp(logFactor);
    for (let s = lo; s <= hi; s++) {
      const a = alpha[alphaRow + s];
      const b = cur[s];
      if (a === 0 || b === 0) continue;
      const post = a > 0 && b > 0 && logFactor < 700 ? a * b * factor : Math.exp(cellLog(a, alphaScale) + cellLog(b, scale) - logLik);
      occupancy[ext[s]] += post;
    }
    const row = base + t * vocab;
    const out = gradBase + t * vocab;
    for (let v = 0; v < vocab; v++) grad[out + v] = weight * (probs[row + v] - occupancy[v]);
    nextScale = scale;
    const tmp = next;
    next = cur;
    cur = tmp;
  }
}
