import { tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { CtcError } from './ctc-error.js';

/** Per-utterance lengths: an int32 tensor [batch], or plain integers. */
export type LengthsLike = Tensor | readonly number[] | Int32Array;

/** Validated CTC inputs copied to JavaScript arrays. */
export interface CtcBatch {
  batch: number;
  time: number;
  vocab: number;
  maxLabelLength: number;
  /** Row-major [batch, maxLabelLength]. */
  labels: Int32Array;
  logitLengths: Int32Array;
  labelLengths: Int32Array;
}

/** Throws a CtcError unless `x` is a tensor of the given rank and dtype. */
export function assertTensor(op: string, arg: string, x: unknown, rank: number, dtype: string, shapeDoc: string): Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new CtcError(`${op}: argument '${arg}' must be a ${dtype} tensor ${shapeDoc}, got ${describe(x)}`);
  }
  if (x.rank !== rank) {
    throw new CtcError(`${op}: argument '${arg}' must have rank ${rank} ${shapeDoc}, got shape [${x.shape.join(', ')}]`);
  }
  if (x.dtype !== dtype) {
    throw new CtcError(`${op}: argument '${arg}' must have dtype ${dtype}, got ${x.dtype}; cast it with tf.cast(x, '${dtype}')`);
  }
  return x;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a plain array';
  return typeof x;
}

/** Reads lengths [batch] from a tensor or array and checks they are integers in [0, max]. */
export function readLengths(op: string, arg: string, x: LengthsLike, batch: number, max: number, maxDoc: string): Int32Array {
  let values: ArrayLike<number>;
  if (x instanceof tf.Tensor) {
    assertTensor(op, arg, x, 1, 'int32', '[batch]');
    values = x.dataSync();
  } else if (Array.isArray(x) || x instanceof Int32Array) {
    values = x;
  } else {
    throw new CtcError(`${op}: argument '${arg}' must be an int32 tensor [batch] or an array of integers, got ${describe(x)}`);
  }
  if (values.length !== batch) {
    throw new CtcError(`${op}: argument '${arg}' has ${values.length} entries but the batch size is ${batch}`);
  }
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const v = values[b];
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new CtcError(`${op}: argument '${arg}'[${b}] = ${v} must be an integer in [0, ${max}] (${maxDoc})`);
    }
    out[b] = v;
  }
  return out;
}

/** Checks that blank is a valid class index of a vocabulary of size `vocab`. */
export function checkBlank(op: string, blank: number, vocab: number): void {
  if (!Number.isInteger(blank) || blank < 0 || blank >= vocab) {
    throw new CtcError(`${op}: option 'blank' = ${blank} must be an integer in [0, ${vocab - 1}] (the vocabulary has ${vocab} classes)`);
  }
}

/** Validates the arguments of ctcLoss and copies labels and lengths to JavaScript. */
export function readCtcBatch(
  op: string,
  logits: unknown,
  labels: unknown,
  logitLengths: LengthsLike,
  labelLengths: LengthsLike,
  blank: number,
): CtcBatch {
  const x = assertTensor(op, 'logits', logits, 3, 'float32', '[batch, time, vocab]');
  const y = assertTensor(op, 'labels', labels, 2, 'int32', '[batch, maxLabelLength]');
  const [batch, time, vocab] = x.shape as [number, number, number];
  const [labelBatch, maxLabelLength] = y.shape as [number, number];
  if (labelBatch !== batch) {
    throw new CtcError(`${op}: argument 'labels' has batch ${labelBatch} but 'logits' has batch ${batch}`);
  }
  if (vocab < 1) throw new CtcError(`${op}: argument 'logits' has an empty vocabulary axis (shape [${x.shape.join(', ')}])`);
  checkBlank(op, blank, vocab);
  const lengthsT = readLengths(op, 'logitLengths', logitLengths, batch, time, "the time axis of 'logits'");
  const lengthsL = readLengths(op, 'labelLengths', labelLengths, batch, maxLabelLength, "the second axis of 'labels'");
  const labelData = Int32Array.from(y.dataSync());
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < lengthsL[b]; i++) {
      const v = labelData[b * maxLabelLength + i];
      if (v < 0 || v >= vocab || v === blank) {
        throw new CtcError(
          `${op}: argument 'labels'[${b}][${i}] = ${v} must be a class index in [0, ${vocab - 1}] other than blank (${blank})`,
        );
      }
    }
  }
  return { batch, time, vocab, maxLabelLength, labels: labelData, logitLengths: lengthsT, labelLengths: lengthsL };
}
