import { tf } from '@speechkd/tensor-backend';
import type { TrainBatch } from '../train/batches.js';

/**
 * The benchmarks' fixed training batch: `batch` utterances of up to `frames` random feature frames (lengths
 * staggered down to 3/4 of it) with label sequences of a third of the subsampled length.
 */
export function syntheticBatch(batch: number, frames: number): TrainBatch {
  const lengths = Array.from({ length: batch }, (_, i) => frames - ((i * 37) % Math.floor(frames / 4)));
  const labLen = Math.floor(frames / 4 / 3);
  return {
    ids: lengths.map((_, i) => `b${i}`),
    texts: lengths.map(() => ''),
    features: tf.randomNormal([batch, frames, 80], 0, 1, 'float32', 1) as TrainBatch['features'],
    lengths,
    labels: tf.tensor2d(Int32Array.from({ length: batch * labLen }, (_, i) => 1 + ((i * 13) % 28)), [batch, labLen], 'int32'),
    labelLengths: lengths.map(() => labLen),
  };
}
