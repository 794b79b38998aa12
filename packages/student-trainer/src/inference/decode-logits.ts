import { tf } from '@speechkd/tensor-backend';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { greedyDecode, prefixBeamSearchBatch } from '../decode/index.js';
import { decodeIds } from '../model/vocab.js';

/** Decoder choice for turning logits into text. */
export interface DecoderOptions {
  decoder?: 'greedy' | 'beam';
  /** Beam width for 'beam' (default 8). */
  beamSize?: number;
}

/** logits [batch, frames, vocab] + valid frames -> transcripts (greedy best path or prefix beam search). */
export function decodeLogits(logits: Tensor3D, lengths: readonly number[], options: DecoderOptions = {}): string[] {
  if ((options.decoder ?? 'greedy') === 'greedy') return greedyDecode(logits, lengths).map((ids) => decodeIds(ids));
  const logProbs = tf.logSoftmax(logits) as Tensor3D;
  try {
    return prefixBeamSearchBatch(logProbs, lengths, { beamSize: options.beamSize ?? 8, nBest: 1 }).map((h) => decodeIds(h[0]?.labels ?? []));
  } finally {
    logProbs.dispose();
  }
}
