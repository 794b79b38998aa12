// CTC forward-backward for one utterance, written by hand because the recursion is sequential in time.
// Each forward/backward variable is an extended-range number m * B^k * exp(rowScale) with B = 2^-256: a double
// mantissa m >= B and an integer level k. Sums align levels with exact power-of-two multiplies and drop terms
// two or more levels below the largest (< 1e-77 relative, far below double precision). So the recursion is
// exact to double precision over any dynamic range, like the log-space recursion (ctc-log-reference.ts, which
// the tests compare against), yet needs only multiply-adds: no exp or log per cell.
import { bandHigh, bandLow, logAdd2 } from './ctc-labels.js';

/** Nats per level. */
export const LEVEL_LOG = 256 * Math.LN2;
const B = 2 ** -256;
const INV_B = 2 ** 256;
/** Level of a zero cell: larger than any real level, so it never wins the alignment. */
export const ZERO_LEVEL = 0x3fffffff;
/** A row is rescaled when its largest level-0 mantissa passes this, or when no cell is left at level 0. */
const RESCALE_HIGH = 2 ** 200;

/** Per-call views of one utterance. Emission probabilities are stored as mantissa probs[i] * B^probLevels[i]. */
export interface UtteranceView {
  /** Log-softmax [.., vocab] row-major; this utterance starts at `base`. */
  lp: Float32Array;
  probs: Float64Array;
  probLevels: Int32Array;
  base: number;
  vocab: number;
  frames: number;
  ext: Int32Array;
  skip: Uint8Array;
  states: number;
}

/** Splits log-probability x into a mantissa in (B, 1] and a level (for emissions); -Infinity gives a zero. */
export function splitLogProb(x: number, out: { m: number; k: number }): void {
  if (x > -LEVEL_LOG) {
    out.m = Math.exp(x);
    out.k = 0;
  } else if (x === -Infinity) {
    out.m = 0;
    out.k = ZERO_LEVEL;
  } else {
    const k = Math.floor(-x / LEVEL_LOG);
    out.m = Math.exp(x + k * LEVEL_LOG);
    out.k = k;
  }
}

/** log of an extended-range cell at row scale `scale`. */
function cellLog(m: number, k: number, scale: number): number {
  return m > 0 ? Math.log(m) + scale - k * LEVEL_LOG : -Infinity;
}

/**
 * Rescales row cells [lo, hi] so that the largest becomes 1 at level 0; returns the new row scale.
 * Rare: only when the row's largest cell left [B, RESCALE_HIGH] at level 0.
 */
function rescaleRow(m: Float64Array, k: Int32Array, base: number, lo: number, hi: number, scale: number): number {
  let minLevel = ZERO_LEVEL;
  for (let s = lo; s <= hi; s++) if (m[base + s] > 0 && k[base + s] < minLevel) minLevel = k[base + s];
  if (minLevel === ZERO_LEVEL) return scale;
  let top = 0;
  for (let s = lo; s <= hi; s++) if (k[base + s] === minLevel && m[base + s] > top) top = m[base + s];
  for (let s = lo; s <= hi; s++) {
    const i = base + s;
    if (m[i] === 0) continue;
    let v = m[i] / top;
    let level = k[i] - minLevel;
    while (v < B) {
      v *= INV_B;
      level++;
    }
    while (v >= 1 && level > 0) {
      v *= B;
      level--;
    }
    m[i] = v;
    k[i] = level;
  }
  return scale + Math.log(top) - minLevel * LEVEL_LOG;
}

/**
 * Forward pass: fills the mantissas/levels of alpha[alphaBase + t*S + s] (mantissas zeroed and levels set to
 * ZERO_LEVEL beforehand) and scales[scaleBase + t]. Alpha includes frame t's emission. Returns log P(labels | x),
 * -Infinity when no alignment exists.
 */
export function ctcAlpha(
  u: UtteranceView,
  am: Float64Array,
  ak: Int32Array,
  alphaBase: number,
  scales: Float64Array,
  scaleBase: number,
): number {
  const { probs, probLevels, base, vocab, frames, ext, skip, states } = u;
  if (frames === 0) return states === 1 ? 0 : -Infinity;
  for (let s = 0; s < Math.min(states, 2); s++) {
    const pm = probs[base + ext[s]];
    am[alphaBase + s] = pm;
    ak[alphaBase + s] = pm > 0 ? probLevels[base + ext[s]] : ZERO_LEVEL;
  }
  let scale = rescaleRow(am, ak, alphaBase, 0, Math.min(states, 2) - 1, 0);
  scales[scaleBase] = scale;
  for (let t = 1; t < frames; t++) {
    const prev = alphaBase + (t - 1) * states;
    const cur = prev + states;
    const row = base + t * vocab;
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    let minLevel = ZERO_LEVEL;
    let maxTop = 0;
    for (let s = lo; s <= hi; s++) {
      const ka = ak[prev + s];
      const kb = s > 0 ? ak[prev + s - 1] : ZERO_LEVEL;
      const kc = skip[s] === 1 ? ak[prev + s - 2] : ZERO_LEVEL;
      let level = ka < kb ? ka : kb;
      if (kc < level) level = kc;
      if (level === ZERO_LEVEL) continue; // stays zero
      let sum = ka === level ? am[prev + s] : ka === level + 1 ? am[prev + s] * B : 0;
      if (kb === level) sum += am[prev + s - 1];
      else if (kb === level + 1) sum += am[prev + s - 1] * B;
      if (kc === level) sum += am[prev + s - 2];
      else if (kc === level + 1) sum += am[prev + s - 2] * B;
      const e = row + ext[s];
      let v = sum * probs[e];
      level += probLevels[e];
      if (v < B) {
        if (v === 0) continue; // zero emission probability
        v *= INV_B;
        level++;
      } else if (v >= 1 && level > 0) {
        v *= B;
        level--;
      }
      am[cur + s] = v;
      ak[cur + s] = level;
      if (level < minLevel) minLevel = level;
      if (level === 0 && v > maxTop) maxTop = v;
    }
    if (minLevel > 0 || maxTop > RESCALE_HIGH) scale = rescaleRow(am, ak, cur, lo, hi, scale);
    scales[scaleBase + t] = scale;
  }
  const last = alphaBase + (frames - 1) * states;
  const end = cellLog(am[last + states - 1], ak[last + states - 1], scale);
  const beforeEnd = states > 1 ? cellLog(am[last + states - 2], ak[last + states - 2], scale) : -Infinity;
  if (end === -Infinity && beforeEnd === -Infinity) return -Infinity;
  return logAdd2(end, beforeEnd);
}

// Scratch rows for the backward pass (synchronous, so one set serves every call): beta including frame t+1's
// emission (two rolling rows), and beta' excluding frame t's emission. Two padding cells let s+1, s+2 be read.
let incAM = new Float64Array(0);
let incAK = new Int32Array(0);
let incBM = new Float64Array(0);
let incBK = new Int32Array(0);
let primeM = new Float64Array(0);
let primeK = new Int32Array(0);
let occupancy = new Float64Array(0);
const factors = new Float64Array(16);

function ensureScratch(size: number, vocab: number): void {
  if (incAM.length < size) {
    incAM = new Float64Array(size);
    incBM = new Float64Array(size);
    primeM = new Float64Array(size);
    incAK = new Int32Array(size);
    incBK = new Int32Array(size);
    primeK = new Int32Array(size);
  }
  if (occupancy.length < vocab) occupancy = new Float64Array(vocab);
}

/**
 * Backward pass and gradient: for t < frames writes
 * grad[gradBase + t*vocab + v] = weight * (softmax[t, v] - sum over states s with l'_s = v of posterior(t, s)),
 * i.e. d(weight * -log P)/d logits through the log-softmax. `logLik` must be finite.
 */
export function ctcGradient(
  u: UtteranceView,
  am: Float64Array,
  ak: Int32Array,
  alphaBase: number,
  scales: Float64Array,
  scaleBase: number,
  logLik: number,
  weight: number,
  grad: Float32Array,
  gradBase: number,
): void {
  const { lp, probs, probLevels, base, vocab, frames, ext, skip, states } = u;
  const size = states + 2;
  ensureScratch(size, vocab);
  let nextM = incAM;
  let nextK = incAK;
  let curM = incBM;
  let curK = incBK;
  let nextScale = 0;
  for (let t = frames - 1; t >= 0; t--) {
    const lo = bandLow(states, frames, t);
    const hi = bandHigh(states, t);
    // beta'[t, s] = P(frames t+1.. emit the rest | state s at t): the sum over successor states of beta(t+1).
    primeM.fill(0, 0, size);
    primeK.fill(ZERO_LEVEL, 0, size);
    let primeScale = nextScale;
    if (t === frames - 1) {
      primeM[states - 1] = 1;
      primeK[states - 1] = 0;
      if (states > 1) {
        primeM[states - 2] = 1;
        primeK[states - 2] = 0;
      }
      primeScale = 0;
    } else {
      for (let s = lo; s <= hi; s++) {
        const ka = nextK[s];
        const kb = nextK[s + 1];
        const kc = skip[s + 2] === 1 ? nextK[s + 2] : ZERO_LEVEL;
        let level = ka < kb ? ka : kb;
        if (kc < level) level = kc;
        if (level === ZERO_LEVEL) continue;
        let sum = ka === level ? nextM[s] : ka === level + 1 ? nextM[s] * B : 0;
        if (kb === level) sum += nextM[s + 1];
        else if (kb === level + 1) sum += nextM[s + 1] * B;
        if (kc === level) sum += nextM[s + 2];
        else if (kc === level + 1) sum += nextM[s + 2] * B;
        if (sum >= 1 && level > 0) {
          sum *= B;
          level--;
        }
        primeM[s] = sum;
        primeK[s] = level;
      }
    }
    // Posterior of state s at frame t: alpha (with frame t's emission) * beta' / P.
    occupancy.fill(0, 0, vocab);
    const alphaRow = alphaBase + t * states;
    const logFactor = scales[scaleBase + t] + primeScale - logLik;
    // posterior = a * b * exp(logFactor - levels * LEVEL_LOG), with a * b in [2^-512, 2^402]: only the few levels
    // where the exponential is a finite normal double can contribute; tabulate them.
    const firstLevel = Math.max(0, Math.ceil((logFactor - 700) / LEVEL_LOG));
    let levelsKept = 0;
    while (levelsKept < factors.length && logFactor - (firstLevel + levelsKept) * LEVEL_LOG > -700) {
      factors[levelsKept] = Math.exp(logFactor - (firstLevel + levelsKept) * LEVEL_LOG);
      levelsKept++;
    }
    for (let s = lo; s <= hi; s++) {
      const a = am[alphaRow + s];
      const b = primeM[s];
      if (a === 0 || b === 0) continue;
      const index = ak[alphaRow + s] + primeK[s] - firstLevel;
      if (index >= levelsKept) continue; // posterior below 1e-180
      const post = index >= 0 ? a * b * factors[index] : Math.exp(Math.log(a * b) + logFactor - (index + firstLevel) * LEVEL_LOG);
      occupancy[ext[s]] += post;
    }
    const row = base + t * vocab;
    const out = gradBase + t * vocab;
    for (let v = 0; v < vocab; v++) {
      const p = probLevels[row + v] === 0 ? probs[row + v] : Math.exp(lp[row + v]);
      grad[out + v] = weight * (p - occupancy[v]);
    }
    if (t === 0) break;
    // beta(t) = beta'(t) * emission(t), the input of the next (earlier) row.
    curM.fill(0, 0, size);
    curK.fill(ZERO_LEVEL, 0, size);
    let minLevel = ZERO_LEVEL;
    let maxTop = 0;
    for (let s = lo; s <= hi; s++) {
      const b = primeM[s];
      if (b === 0) continue;
      const e = row + ext[s];
      let v = b * probs[e];
      let level = primeK[s] + probLevels[e];
      if (v < B) {
        if (v === 0) continue;
        v *= INV_B;
        level++;
      } else if (v >= 1 && level > 0) {
        v *= B;
        level--;
      }
      curM[s] = v;
      curK[s] = level;
      if (level < minLevel) minLevel = level;
      if (level === 0 && v > maxTop) maxTop = v;
    }
    nextScale = minLevel > 0 || maxTop > RESCALE_HIGH ? rescaleRow(curM, curK, 0, lo, hi, primeScale) : primeScale;
    const tm = nextM;
    const tk = nextK;
    nextM = curM;
    nextK = curK;
    curM = tm;
    curK = tk;
  }
}
