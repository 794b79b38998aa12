import { decodeChars } from '@speechkd/text-encoders/chars';
import { CharNgramLm, DEFAULT_LM_ORDER } from './char-ngram-lm.js';
import { greedyDecode } from './greedy-decode.js';
import { prefixBeamSearchBatch } from './prefix-beam-search.js';
import { logSoftmax } from './scores.js';
import type { FrameScores } from './scores.js';

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
  /** LM weight (default `LM_DECODING_DEFAULTS.lmWeight`). */
  lmWeight?: number;
  /** Score per emitted character with an LM (default `LM_DECODING_DEFAULTS.lmBonus`). */
  lmBonus?: number;
}

/** Defaults of LM decoding: n-gram order, fusion weights and beam width (tuned on the synthetic dev set, RESULTS.md). */
export const LM_DECODING_DEFAULTS = { lmOrder: DEFAULT_LM_ORDER, lmWeight: 0.8, lmBonus: 2, beamSize: 16 } as const;

/**
 * logits [batch, frames, vocab] (CTC over the character vocabulary) + valid frames -> transcripts: greedy
 * best path, or prefix beam search, optionally with a character LM.
 */
export function decodeLogits(logits: FrameScores, lengths: ArrayLike<number>, options: DecoderOptions = {}): string[] {
  if ((options.decoder ?? 'greedy') === 'greedy') return greedyDecode(logits, lengths).map((ids) => decodeChars(ids));
  const beamSize = options.beamSize ?? 8;
  const logProbs = logSoftmax(logits);
  const lm = options.lm;
  if (!lm) return prefixBeamSearchBatch(logProbs, lengths, { beamSize, nBest: 1 }).map((h) => decodeChars(h[0]?.labels ?? []));
  const fusion = { weight: options.lmWeight ?? LM_DECODING_DEFAULTS.lmWeight, bonus: options.lmBonus ?? LM_DECODING_DEFAULTS.lmBonus };
  const scorer = lm.scorer(fusion); // validates the weights
  return prefixBeamSearchBatch(logProbs, lengths, { beamSize, nBest: beamSize, scorer }).map((hyps) => {
    let best: number[] = [];
    let bestScore = -Infinity;
    for (const h of hyps) {
      const s = h.logProb + fusion.weight * lm.logProb(h.labels, CharNgramLm.END);
      if (s > bestScore) [best, bestScore] = [h.labels, s];
    }
    return decodeChars(best);
  });
}
