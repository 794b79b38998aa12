import { TeachersArgumentError } from '../errors.js';
import type { CachedTensor } from './read-cache.js';

/** A padded batch of cached `[frames_i, dim]` tensors. */
export interface PaddedBatch {
  /** Row-major `[batch, maxFrames, dim]`, zeros past each length. */
  data: Float32Array;
  shape: [number, number, number];
  /** Valid frames per item. */
  lengths: number[];
}

/** Pads cached `[frames_i, dim]` tensors (one per utterance) into `[batch, maxFrames, dim]` + lengths. */
export function padCachedBatch(items: readonly CachedTensor[], maxFrames?: number): PaddedBatch {
  if (!items.length) throw new TeachersArgumentError('padCachedBatch: items is empty');
  const dim = items[0].shape[1];
  for (const it of items) {
    if (it.shape.length !== 2 || it.shape[1] !== dim) {
      throw new TeachersArgumentError(`padCachedBatch: every item must be [frames, ${dim}], got [${it.shape.join(', ')}]`);
    }
  }
  const t = maxFrames ?? Math.max(...items.map((it) => it.shape[0]));
  const data = new Float32Array(items.length * t * dim);
  const lengths = items.map((it, b) => {
    const n = Math.min(it.shape[0], t);
    data.set(it.data.subarray(0, n * dim), b * t * dim);
    return n;
  });
  return { data, shape: [items.length, t, dim], lengths };
}
