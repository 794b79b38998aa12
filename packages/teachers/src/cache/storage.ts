import { mulberry32, randomNormal } from '@speechkd/onnx-graph';
import { TeachersArgumentError } from '../errors.js';
import type { FloatDType, HiddenDType } from './format.js';

/**
 * How a cache stores the teachers' outputs; each option trades disk for fidelity (sizes per hour and their
 * effect on distillation are in RESULTS.md). The defaults store what the teacher returned in float16.
 */
export interface StorageOptions {
  /** Hidden states (both towers): float16, float32, or int8 with one float32 scale per row (frame or token). */
  hidden: HiddenDType;
  /** Speech logits: 0 = every class (float16, or float32 when `hidden` is), K > 0 = the K most likely classes' log-probabilities plus the rest's mean. */
  logitsTopK: number;
  /** Speech frames averaged into one stored frame (1 = the teacher's rate; 2 stores 50 Hz wav2vec2 at the students' 25 Hz). */
  pool: number;
  /** Speech hidden states multiplied by a fixed random Gaussian matrix down to this many dims (0 = none). */
  projectDim: number;
  /** Seed of that matrix. */
  projectSeed: number;
}

/** Storage of a default cache: float16, every logit, the teacher's frame rate and width. */
export const DEFAULT_STORAGE: Readonly<StorageOptions> = Object.freeze({ hidden: 'float16', logitsTopK: 0, pool: 1, projectDim: 0, projectSeed: 0 });

/** Fills in defaults and checks ranges (errors name the CLI flag). */
export function resolveStorage(s: Partial<StorageOptions> = {}): StorageOptions {
  const r = { ...DEFAULT_STORAGE, ...s };
  if (!['float16', 'float32', 'int8'].includes(r.hidden)) throw new TeachersArgumentError(`--dtype "${r.hidden}": use float16, float32 or int8`);
  for (const [flag, v, min] of [['--logits-top-k', r.logitsTopK, 0], ['--pool', r.pool, 1], ['--project', r.projectDim, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new TeachersArgumentError(`${flag} ${v}: expected an integer >= ${min}`);
  }
  if (!Number.isInteger(r.projectSeed) || r.projectSeed < 0) throw new TeachersArgumentError(`--project-seed ${r.projectSeed}: expected an integer >= 0`);
  return r;
}

/** Float type of stored float tensors other than int8 hidden states (logits, and everything of a float cache). */
export const floatTypeOf = (hidden: HiddenDType): FloatDType => (hidden === 'float32' ? 'float32' : 'float16');

/** Bytes of an `int8-rows` tensor of `rows` x `cols`: float32 scales, then the int8 values. */
export const int8RowsBytes = (rows: number, cols: number): number => 4 * rows + rows * cols;

/** Quantizes row-major `[rows, cols]` to int8 with one absmax scale per row: `x ≈ q * scale`, `|error| <= scale / 2`. */
export function encodeInt8Rows(data: Float32Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(int8RowsBytes(rows, cols));
  const scales = new Float32Array(out.buffer, 0, rows);
  const q = new Int8Array(out.buffer, 4 * rows, rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(data[o + c]));
    const scale = max / 127;
    scales[r] = scale;
    if (scale === 0 || !Number.isFinite(scale)) continue; // zero row (or non-finite input, stored as a NaN/Inf scale)
    const inv = 1 / Math.fround(scale);
    for (let c = 0; c < cols; c++) q[o + c] = Math.max(-127, Math.min(127, Math.round(data[o + c] * inv)));
  }
  return out;
}

/** Inverse of `encodeInt8Rows`; `bytes` must start 4-byte aligned. */
export function decodeInt8Rows(bytes: Uint8Array, rows: number, cols: number): Float32Array {
  const scales = new Float32Array(bytes.buffer, bytes.byteOffset, rows);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + 4 * rows, rows * cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r];
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[o + c] = q[o + c] * s;
  }
  return out;
}

/** Bytes of a `topk` tensor: per frame the tail's log-probability (float16), K log-probabilities (float16) and K class ids (uint16). */
export const topKBytes = (frames: number, k: number): number => 2 * frames + 4 * frames * k;

/**
 * The K most likely classes of each frame of `[frames, vocab]` logits as log-probabilities, plus the log of
 * the mean probability of the other classes; layout: tail float16 `[frames]`, log-probs float16 `[frames, K]`,
 * ids uint16 `[frames, K]`. Needs `K < vocab <= 65536`.
 */
export function encodeTopK(logits: Float32Array, frames: number, vocab: number, k: number, toHalf: (x: Float32Array) => Uint16Array): Uint8Array {
  if (!(k >= 1 && k < vocab)) throw new TeachersArgumentError(`--logits-top-k ${k}: must be below the teacher's ${vocab} classes (0 keeps them all)`);
  if (vocab > 65536) throw new TeachersArgumentError(`--logits-top-k: vocabularies above 65536 classes are not supported (${vocab})`);
  const tail = new Float32Array(frames);
  const lp = new Float32Array(frames * k);
  const ids = new Uint16Array(frames * k);
  const order = new Array<number>(vocab);
  for (let f = 0; f < frames; f++) {
    const o = f * vocab;
    let max = -Infinity;
    for (let v = 0; v < vocab; v++) max = Math.max(max, logits[o + v]);
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[o + v] - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < vocab; v++) order[v] = v;
    order.sort((a, b) => logits[o + b] - logits[o + a] || a - b);
    let kept = 0;
    for (let j = 0; j < k; j++) {
      const v = order[j];
      ids[f * k + j] = v;
      lp[f * k + j] = logits[o + v] - lse;
      kept += Math.exp(logits[o + v] - lse);
    }
    // The rest's mass, spread evenly; float rounding can leave it at or below 0 when the top K hold everything.
    const rest = Math.max(1 - kept, 0);
    tail[f] = rest > 0 ? Math.log(rest / (vocab - k)) : Math.min(-30, lp[f * k + k - 1] - 30);
  }
  const out = new Uint8Array(topKBytes(frames, k));
  const bytesOf = (a: Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  out.set(bytesOf(toHalf(tail)), 0);
  out.set(bytesOf(toHalf(lp)), 2 * frames);
  out.set(bytesOf(ids), 2 * frames + 2 * frames * k);
  return out;
}

/** Inverse of `encodeTopK`: `[frames, vocab]` log-probabilities (the tail's mean for classes outside the top K). */
export function decodeTopK(bytes: Uint8Array, frames: number, vocab: number, k: number, toFloat: (x: Uint16Array) => Float32Array): Float32Array {
  const tail = toFloat(new Uint16Array(bytes.buffer, bytes.byteOffset, frames));
  const lp = toFloat(new Uint16Array(bytes.buffer, bytes.byteOffset + 2 * frames, frames * k));
  const ids = new Uint16Array(bytes.buffer, bytes.byteOffset + 2 * frames + 2 * frames * k, frames * k);
  const out = new Float32Array(frames * vocab);
  for (let f = 0; f < frames; f++) {
    out.fill(tail[f], f * vocab, (f + 1) * vocab);
    for (let j = 0; j < k; j++) out[f * vocab + ids[f * k + j]] = lp[f * k + j];
  }
  return out;
}

/** Mean of every `factor` consecutive rows of `[frames, dim]` (the last group may be shorter): `[ceil(frames / factor), dim]`. */
export function poolFrames(data: Float32Array, frames: number, dim: number, factor: number): Float32Array {
  if (factor === 1) return data;
  const outFrames = Math.ceil(frames / factor);
  const out = new Float32Array(outFrames * dim);
  for (let g = 0; g < outFrames; g++) {
    const from = g * factor;
    const to = Math.min(frames, from + factor);
    const o = g * dim;
    for (let f = from; f < to; f++) for (let d = 0; d < dim; d++) out[o + d] += data[f * dim + d];
    const inv = 1 / (to - from);
    for (let d = 0; d < dim; d++) out[o + d] *= inv;
  }
  return out;
}

/**
 * The fixed random projection `[dim, outDim]` of a seed: N(0, 1/outDim) entries, so squared lengths and
 * distances are kept in expectation (Johnson-Lindenstrauss).
 */
export function projectionMatrix(dim: number, outDim: number, seed: number): Float32Array {
  return randomNormal(mulberry32(seed), dim * outDim, 1 / Math.sqrt(outDim));
}

/**
 * `[rows, dim] x [dim, outDim]` (row-major, float32 accumulation in the order a reader can reproduce: every
 * output element adds x[d] * m[d][j] for d = 0, 1, ... with float32 rounding after each add, skipping x[d] = 0).
 * Four rows at a time, so each matrix entry is loaded once per four rows (about 2.4x the row-by-row loop's speed,
 * the same bytes).
 */
export function projectRows(data: Float32Array, rows: number, dim: number, matrix: Float32Array, outDim: number): Float32Array {
  const out = new Float32Array(rows * outDim);
  const one = (r: number, d: number, x: number): void => {
    if (x === 0) return;
    const o = r * outDim;
    const m = d * outDim;
    for (let j = 0; j < outDim; j++) out[o + j] += x * matrix[m + j];
  };
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * outDim;
    const o1 = o0 + outDim;
    const o2 = o1 + outDim;
    const o3 = o2 + outDim;
    const i0 = r * dim;
    for (let d = 0; d < dim; d++) {
      const x0 = data[i0 + d];
      const x1 = data[i0 + dim + d];
      const x2 = data[i0 + 2 * dim + d];
      const x3 = data[i0 + 3 * dim + d];
      if (x0 === 0 || x1 === 0 || x2 === 0 || x3 === 0) {
        one(r, d, x0);
        one(r + 1, d, x1);
        one(r + 2, d, x2);
        one(r + 3, d, x3);
        continue;
      }
      const m = d * outDim;
      for (let j = 0; j < outDim; j++) {
        const w = matrix[m + j];
        out[o0 + j] += x0 * w;
        out[o1 + j] += x1 * w;
        out[o2 + j] += x2 * w;
        out[o3 + j] += x3 * w;
      }
    }
  }
  for (; r < rows; r++) for (let d = 0; d < dim; d++) one(r, d, data[r * dim + d]);
  return out;
}
