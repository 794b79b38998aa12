import { DecodeError } from './decode-error.js';
import { logAdd2 } from './log-add.js';
import { PrefixTrie } from './prefix-trie.js';
import { checkBlank, checkScores, readLengths } from './scores.js';
import type { FrameScores } from './scores.js';

/**
 * Optional label-level language model: log-score (already weighted) of appending `next` to `prefix`.
 * Called once per new prefix, so it may be slow-ish (e.g. a character n-gram). A scorer that reads only the
 * last `contextLength` labels says so: it is then given only those (the whole prefix when shorter).
 */
export type PrefixScorer = ((prefix: readonly number[], next: number) => number) & { contextLength?: number };

/** Options of `prefixBeamSearch`. */
export interface PrefixBeamSearchOptions {
  /** Prefixes kept after each frame. Default 8. */
  beamSize?: number;
  /** Index of the blank class. Default 0. */
  blank?: number;
  /** Hypotheses returned, best first. Default beamSize. */
  nBest?: number;
  /** Skip classes whose log-probability at a frame is below this (speed). Default -Infinity (none skipped). */
  tokenLogProbThreshold?: number;
  /** Language-model hook added to a prefix's score when it is extended by a label. */
  scorer?: PrefixScorer;
}

/** One decoded hypothesis. */
export interface BeamHypothesis {
  /** Collapsed label ids. */
  labels: number[];
  /**
   * Log-probability of the label sequence summed over its alignments (plus scorer terms, if any); exact when
   * the sequence's prefixes were never pruned from the beam.
   */
  logProb: number;
}

interface Beam {
  node: number;
  /** Log-probability of the prefix with its last frame blank / non-blank. */
  blankEnd: number;
  labelEnd: number;
}

function searchOne(lp: ArrayLike<number>, base: number, frames: number, vocab: number, opts: Required<Omit<PrefixBeamSearchOptions, 'scorer'>> & { scorer?: PrefixScorer }): BeamHypothesis[] {
  const { beamSize, blank, nBest, tokenLogProbThreshold, scorer } = opts;
  const trie = new PrefixTrie(vocab, scorer);
  let beams: Beam[] = [{ node: 0, blankEnd: 0, labelEnd: -Infinity }];
  const next = new Map<number, Beam>();
  const entry = (node: number): Beam => {
    let e = next.get(node);
    if (!e) {
      e = { node, blankEnd: -Infinity, labelEnd: -Infinity };
      next.set(node, e);
    }
    return e;
  };
  for (let t = 0; t < frames; t++) {
    const row = base + t * vocab;
    next.clear();
    for (const beam of beams) {
      const total = logAdd2(beam.blankEnd, beam.labelEnd);
      const stay = entry(beam.node);
      stay.blankEnd = logAdd2(stay.blankEnd, total + lp[row + blank]);
      const last = trie.label[beam.node];
      for (let c = 0; c < vocab; c++) {
        const p = lp[row + c];
        if (c === blank || p < tokenLogProbThreshold) continue;
        const child = trie.child(beam.node, c);
        const extended = entry(child);
        if (c === last) {
          // A repeated label only starts a new symbol after a blank; otherwise it continues the last one.
          extended.labelEnd = logAdd2(extended.labelEnd, beam.blankEnd + p + trie.score[child]);
          stay.labelEnd = logAdd2(stay.labelEnd, beam.labelEnd + p);
        } else {
          extended.labelEnd = logAdd2(extended.labelEnd, total + p + trie.score[child]);
        }
      }
    }
    const scored: Array<{ beam: Beam; total: number }> = [];
    for (const b of next.values()) if (b.blankEnd > -Infinity || b.labelEnd > -Infinity) scored.push({ beam: b, total: logAdd2(b.blankEnd, b.labelEnd) });
    scored.sort((a, b) => b.total - a.total || a.beam.node - b.beam.node);
    if (scored.length > beamSize) scored.length = beamSize;
    beams = scored.map((x) => x.beam);
  }
  return beams.slice(0, nBest).map((b) => ({ labels: trie.labels(b.node), logProb: logAdd2(b.blankEnd, b.labelEnd) }));
}

function resolveOptions(op: string, options: PrefixBeamSearchOptions, vocab: number) {
  const { beamSize = 8, blank = 0, tokenLogProbThreshold = -Infinity, scorer } = options;
  const nBest = options.nBest ?? beamSize;
  if (!Number.isInteger(beamSize) || beamSize < 1) throw new DecodeError(`${op}: option 'beamSize' = ${beamSize} must be an integer >= 1`);
  if (!Number.isInteger(nBest) || nBest < 1) throw new DecodeError(`${op}: option 'nBest' = ${nBest} must be an integer >= 1`);
  checkBlank(op, blank, vocab);
  return { beamSize, blank, nBest, tokenLogProbThreshold, scorer };
}

/**
 * CTC prefix beam search over one utterance's log-probabilities [time, vocab] (apply `logSoftmax` to logits
 * first). `length` limits the frames used (default: all). Returns up to nBest hypotheses, best first.
 */
export function prefixBeamSearch(logProbs: FrameScores, length?: number, options: PrefixBeamSearchOptions = {}): BeamHypothesis[] {
  const op = 'prefixBeamSearch';
  const [time, vocab] = checkScores(op, 'logProbs', logProbs, 2, '[time, vocab]');
  const frames = readLengths(op, 'length', [length ?? time], 1, time, "the time axis of 'logProbs'")[0];
  return searchOne(logProbs.data, 0, frames, vocab, resolveOptions(op, options, vocab));
}

/** Prefix beam search for a batch: logProbs [batch, time, vocab], lengths [batch]; one hypothesis list per utterance. */
export function prefixBeamSearchBatch(logProbs: FrameScores, lengths: ArrayLike<number>, options: PrefixBeamSearchOptions = {}): BeamHypothesis[][] {
  const op = 'prefixBeamSearchBatch';
  const [batch, time, vocab] = checkScores(op, 'logProbs', logProbs, 3, '[batch, time, vocab]');
  const frames = readLengths(op, 'lengths', lengths, batch, time, "the time axis of 'logProbs'");
  const opts = resolveOptions(op, options, vocab);
  const out: BeamHypothesis[][] = [];
  for (let b = 0; b < batch; b++) out.push(searchOne(logProbs.data, b * time * vocab, frames[b], vocab, opts));
  return out;
}
