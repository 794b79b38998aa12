import type { Tensor } from '@tensorflow/tfjs-core';
import { AlignmentError } from './errors.js';

// Every public op validates its inputs through these helpers so that all errors read the same way:
// `<op>: argument '<name>' <problem>`.

/** Formats a shape as `[2,5,7]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `x` is a tfjs Tensor. */
export function assertTensor(op: string, name: string, x: unknown): asserts x is Tensor {
  if (x === null || typeof x !== 'object' || !('shape' in x) || !('dtype' in x) || !('dataId' in x)) {
    throw new AlignmentError(op, name, `must be a tf.Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  if ((x as Tensor).isDisposed) throw new AlignmentError(op, name, 'is a disposed tensor');
}

/** Throws unless `x` is a tensor of the given rank (or one of the ranks) with float32 dtype (unless `dtype` says otherwise). */
export function assertRank(
  op: string,
  name: string,
  x: unknown,
  rank: number | readonly number[],
  layout: string,
  dtype: 'float32' | 'int32' | 'any' = 'float32',
): asserts x is Tensor {
  assertTensor(op, name, x);
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(x.rank)) {
    throw new AlignmentError(op, name, `must have rank ${ranks.join(' or ')} (${layout}) but has shape ${fmtShape(x.shape)}`);
  }
  if (dtype !== 'any' && x.dtype !== dtype) {
    throw new AlignmentError(op, name, `must have dtype ${dtype} but has ${x.dtype}`);
  }
}

/** Throws when a tensor's batch (first) dimension is zero. */
export function assertNonEmpty(op: string, name: string, x: Tensor): void {
  if (x.shape.some((d) => d === 0)) {
    throw new AlignmentError(op, name, `is empty (shape ${fmtShape(x.shape)}); pass at least one utterance and one frame`);
  }
}

/** Throws unless `a` and `b` have identical shapes. */
export function assertSameShape(op: string, nameA: string, a: Tensor, nameB: string, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new AlignmentError(op, nameA, `has shape ${fmtShape(a.shape)} but '${nameB}' has ${fmtShape(b.shape)}`);
  }
}

/** Throws unless `a.shape[axisA] === b.shape[axisB]`; `what` names the dimension (e.g. `batch`). */
export function assertSameDim(
  op: string,
  nameA: string,
  a: Tensor,
  axisA: number,
  nameB: string,
  b: Tensor,
  axisB: number,
  what: string,
): void {
  if (a.shape[axisA] !== b.shape[axisB]) {
    throw new AlignmentError(
      op,
      nameA,
      `has ${what} ${a.shape[axisA]} (shape ${fmtShape(a.shape)}) but '${nameB}' has ${b.shape[axisB]} (shape ${fmtShape(b.shape)})`,
    );
  }
}

/** Throws unless `x.shape[axis] === size`. */
export function assertDim(op: string, name: string, x: Tensor, axis: number, size: number, what: string): void {
  if (x.shape[axis] !== size) {
    throw new AlignmentError(op, name, `must have ${what} ${size} but has shape ${fmtShape(x.shape)}`);
  }
}

/** Throws unless `v` is a finite number > 0. */
export function assertPositive(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new AlignmentError(op, name, `must be a finite number > 0, got ${String(v)}`);
  }
}

/** Throws unless `v` is an integer >= `min`. */
export function assertInt(op: string, name: string, v: unknown, min: number): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new AlignmentError(op, name, `must be an integer >= ${min}, got ${String(v)}`);
  }
}

/** Throws unless `v` is a finite number in [lo, hi]. */
export function assertInRange(op: string, name: string, v: unknown, lo: number, hi: number): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new AlignmentError(op, name, `must be a number in [${lo}, ${hi}], got ${String(v)}`);
  }
}

/** Throws unless `v` is one of `choices`. */
export function assertOneOf<T extends string>(op: string, name: string, v: unknown, choices: readonly T[]): asserts v is T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new AlignmentError(op, name, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
}
