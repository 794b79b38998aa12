import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertRank, assertSameDim, assertSameShape } from './assert.js';
import { resolveMask } from './mask.js';

/** A pair of frame tensors [batch, time, dim] viewed uniformly, plus their mask [batch, time]. */
export interface FramePair {
  a: Tensor3D;
  b: Tensor3D;
  mask: Tensor2D;
  /** True when the inputs were rank 2 ([batch, dim]) and were viewed as one frame per item. */
  itemwise: boolean;
}

/**
 * Validates two tensors of [batch, time, dim] (or [batch, dim]) and an optional mask [batch, time]
 * (or [batch]); `sameLastDim` false lets the last dims differ. Call inside a tidy.
 */
export function framePair(
  op: string,
  nameA: string,
  a: unknown,
  nameB: string,
  b: unknown,
  mask: Tensor | undefined,
  sameLastDim = true,
): FramePair {
  assertRank(op, nameA, a, [2, 3], '[batch, time, dim] or [batch, dim]');
  assertRank(op, nameB, b, [2, 3], '[batch, time, dim] or [batch, dim]');
  if (sameLastDim) assertSameShape(op, nameA, a, nameB, b);
  else {
    assertSameDim(op, nameA, a, 0, nameB, b, 0, 'batch');
    if (a.rank !== b.rank) assertSameShape(op, nameA, a, nameB, b);
    if (a.rank === 3) assertSameDim(op, nameA, a, 1, nameB, b, 1, 'time');
  }
  assertNonEmpty(op, nameA, a);
  assertNonEmpty(op, nameB, b);
  const itemwise = a.rank === 2;
  const a3 = (itemwise ? tf.expandDims(a, 1) : a) as Tensor3D;
  const b3 = (itemwise ? tf.expandDims(b, 1) : b) as Tensor3D;
  let m: Tensor | undefined = mask;
  if (itemwise && mask !== undefined) {
    assertRank(op, 'mask', mask, 1, '[batch] for [batch, dim] inputs');
    m = tf.expandDims(mask, 1);
  }
  return { a: a3, b: b3, mask: resolveMask(op, 'mask', m, a3.shape[0], a3.shape[1]), itemwise };
}

/** Undoes the rank-2 view for reduction 'none': [batch, 1] → [batch]. */
export function unframe(values: Tensor, itemwise: boolean): Tensor {
  return itemwise && values.rank === 2 ? tf.squeeze(values, [1]) : values;
}
