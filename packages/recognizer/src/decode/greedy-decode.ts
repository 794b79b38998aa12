import { checkBlank, checkScores, readLengths } from './scores.js';
import type { FrameScores } from './scores.js';

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
 * Best-path CTC decoding: argmax class per frame (the first one on ties, as tf.argMax), then collapse.
 * `scores` are logits or log-probabilities [batch, time, vocab] (the argmax is the same); `lengths` [batch]
 * valid frames per utterance. Returns one label id sequence per utterance.
 */
export function greedyDecode(scores: FrameScores, lengths: ArrayLike<number>, options: GreedyDecodeOptions = {}): number[][] {
  const op = 'greedyDecode';
  const { blank = 0 } = options;
  const [batch, time, vocab] = checkScores(op, 'scores', scores, 3, '[batch, time, vocab]');
  checkBlank(op, blank, vocab);
  const frames = readLengths(op, 'lengths', lengths, batch, time, "the time axis of 'scores'");
  const best = new Int32Array(time);
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < frames[b]; t++) {
      const row = (b * time + t) * vocab;
      let arg = 0;
      for (let k = 1; k < vocab; k++) if (scores.data[row + k] > scores.data[row + arg]) arg = k;
      best[t] = arg;
    }
    out.push(collapseCtc(best.subarray(0, frames[b]), blank));
  }
  return out;
}
