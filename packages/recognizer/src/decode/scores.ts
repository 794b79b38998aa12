import { DecodeError } from './decode-error.js';

/** Row-major frame scores with their shape, as an ONNX Runtime tensor holds them: `[batch, frames, vocab]` or `[frames, vocab]`. */
export interface FrameScores {
  data: Float32Array;
  dims: readonly number[];
}

/** Throws a DecodeError unless `x` holds float32 data of the given rank whose size matches its dims. */
export function checkScores(op: string, arg: string, x: FrameScores, rank: number, shapeDoc: string): number[] {
  if (!x || !(x.data instanceof Float32Array) || !Array.isArray(x.dims)) {
    throw new DecodeError(`${op}: argument '${arg}' must be { data: Float32Array, dims } ${shapeDoc}`);
  }
  const dims = x.dims.slice();
  if (dims.length !== rank) throw new DecodeError(`${op}: argument '${arg}' must have rank ${rank} ${shapeDoc}, got dims [${dims.join(', ')}]`);
  const size = dims.reduce((a, b) => a * b, 1);
  if (x.data.length !== size) throw new DecodeError(`${op}: argument '${arg}' has ${x.data.length} values but dims [${dims.join(', ')}] need ${size}`);
  return dims;
}

/** Checks per-utterance lengths [batch]: integers in [0, max]. */
export function readLengths(op: string, arg: string, values: ArrayLike<number>, batch: number, max: number, maxDoc: string): Int32Array {
  if (values.length !== batch) throw new DecodeError(`${op}: argument '${arg}' has ${values.length} entries but the batch size is ${batch}`);
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const v = values[b];
    if (!Number.isInteger(v) || v < 0 || v > max) throw new DecodeError(`${op}: argument '${arg}'[${b}] = ${v} must be an integer in [0, ${max}] (${maxDoc})`);
    out[b] = v;
  }
  return out;
}

/** Checks that blank is a valid class index of a vocabulary of size `vocab`. */
export function checkBlank(op: string, blank: number, vocab: number): void {
  if (!Number.isInteger(blank) || blank < 0 || blank >= vocab) {
    throw new DecodeError(`${op}: option 'blank' = ${blank} must be an integer in [0, ${vocab - 1}] (the vocabulary has ${vocab} classes)`);
  }
}

/** Log-softmax over the last axis (in float64, stored as float32): CTC log-probabilities from logits. */
export function logSoftmax(x: FrameScores): FrameScores {
  const vocab = x.dims[x.dims.length - 1];
  const out = new Float32Array(x.data.length);
  for (let row = 0; row < x.data.length; row += vocab) {
    let max = -Infinity;
    for (let k = 0; k < vocab; k++) max = Math.max(max, x.data[row + k]);
    let sum = 0;
    for (let k = 0; k < vocab; k++) sum += Math.exp(x.data[row + k] - max);
    const lse = max + Math.log(sum);
    for (let k = 0; k < vocab; k++) out[row + k] = x.data[row + k] - lse;
  }
  return { data: out, dims: x.dims };
}
