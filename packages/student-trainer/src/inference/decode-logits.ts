import { tf } from '@speechkd/tensor-backend';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { CharNgramLm, DEFAULT_LM_ORDER, greedyDecode, prefixBeamSearchBatch } from '../decode/index.js';
import { decodeIds } from '../model/vocab.js';

/** Decoder choice for turning logits into text. */
export interface DecoderOptions {
  decoder?: 'greedy' | 'beam';
  /** Beam width for 'beam' (default 8). */
  beamSize?: number;
  /**
   * Character language model fused into the beam search ('beam' only): each emitted label scores
   * `lmWeight * log P_lm(label | transcript so far) + lmBonus`, and each finished hypothesis
   * `lmWeight * log P_lm(sentence end | transcript)`.
   */
  lm?: CharNgramLm;
  /** LM weight (default 0.8). */
  lmWeight?: number;
  /** Score per emitted character with an LM (default 1.5). */
  lmBonus?: number;
}

/** Defaults of LM decoding: n-gram order, fusion weights and beam width (tuned on the synthetic dev set, RESULTS.md). */
export const LM_DECODING_DEFAULTS = { lmOrder: DEFAULT_LM_ORDER, lmWeight: 0.8, lmBonus: 2, beamSize: 16 } as const;

/** logits [batch, frames, vocab] + valid frames -> transcripts (greedy best path or prefix beam search, optionally with a character LM). */
export function decodeLogits(logits: Tensor3D, lengths: readonly number[], options: DecoderOptions = {}): string[] {
  if ((options.decoder ?? 'greedy') === 'greedy') return greedyDecode(logits, lengths).map((ids) => decodeIds(ids));
  const beamSize = options.beamSize ?? 8;
  const logProbs = tf.logSoftmax(logits) as Tensor3D;
  try {
    const lm = options.lm;
    if (!lm) return prefixBeamSearchBatch(logProbs, lengths, { beamSize, nBest: 1 }).map((h) => decodeIds(h[0]?.labels ?? []));
    const fusion = { weight: options.lmWeight ?? LM_DECODING_DEFAULTS.lmWeight, bonus: options.lmBonus ?? LM_DECODING_DEFAULTS.lmBonus };
    const scorer = lm.scorer(fusion); // validates the weights
    return prefixBeamSearchBatch(logProbs, lengths, { beamSize, nBest: beamSize, scorer }).map((hyps) => {
      let best: number[] = [];
      let bestScore = -Infinity;
      for (const h of hyps) {
        const s = h.logProb + fusion.weight * lm.logProb(h.labels, CharNgramLm.END);
        if (s > bestScore) [best, bestScore] = [h.labels, s];
      }
      return decodeIds(best);
    });
  } finally {
    logProbs.dispose();
  }
}
