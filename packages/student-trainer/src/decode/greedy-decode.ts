import { tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertTensor, checkBlank, readLengths, type LengthsLike } from '../ctc/ctc-inputs.js';

/** Options of `greedyDecode`. */
export interface GreedyDecodeOptions {
  /** Index of the blank class. Default 0. */
  blank?: number;
}

/** Collapses a frame-level id sequence the CTC way: merge runs of equal ids, then drop blanks. */
export function collapseCtc(frameIds: ArrayLike<number>, blank = 0): number[] {
  const out: number[] = [];
  let prev = -1;
  for (let i = 0; i < frameIds.length; i++) {
    const id = frameIds[i];
    if (id !== prev && id !== blank) out.push(id);
    prev = id;
  }
  return out;
}

/**
 * Best-path CTC decoding: argmax class per frame (on the backend), then collapse. `scores` are logits or
 * log-probabilities [batch, time, vocab] (the argmax is the same); `lengths` [batch] valid frames per utterance.
 * Returns one label id sequence per utterance.
 */
export function greedyDecode(scores: Tensor, lengths: LengthsLike, options: GreedyDecodeOptions = {}): number[][] {
  const op = 'greedyDecode';
  const { blank = 0 } = options;
  assertTensor(op, 'scores', scores, 3, 'float32', '[batch, time, vocab]');
  const [batch, time, vocab] = scores.shape as [number, number, number];
  checkBlank(op, blank, vocab);
  const frames = readLengths(op, 'lengths', lengths, batch, time, "the time axis of 'scores'");
  const argMax = tf.argMax(scores, 2); // read outside tidy: tidy walks returned typed arrays element by element
  const best = argMax.dataSync();
  argMax.dispose();
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) out.push(collapseCtc(best.subarray(b * time, b * time + frames[b]), blank));
  return out;
}
