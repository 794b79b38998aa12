import { Aligner } from './aligner.js';
import type { EditCounts } from './aligner.js';
import { MissingHypothesesError, WerOptionError } from './errors.js';
import { NORMALIZE_MODES, tokenize } from './normalize.js';
import type { NormalizeMode } from './normalize.js';
import { TokenIds, encodeCodePoints } from './token-ids.js';

/** How reference utterances without a hypothesis are handled (Kaldi `compute-wer --mode`). */
export type MissingMode = 'strict' | 'present' | 'all';

/** All accepted missing-hypothesis modes, for option validation. */
export const MISSING_MODES: readonly MissingMode[] = ['strict', 'present', 'all'];

/** Options of `scoreCorpus`. */
export interface ScoreOptions {
  /** `strict` (default): throw `MissingHypothesesError`; `present`: skip them; `all`: score them as empty. */
  mode?: MissingMode;
  /** Text normalization applied to both sides (default `none`: whitespace collapse only). */
  normalize?: NormalizeMode;
  /** Also compute CER (default true). */
  cer?: boolean;
  /** Keep each utterance's word alignment ops (needed for details and confusion counts; default false). */
  alignments?: boolean;
}

/** Score of one utterance (after normalization). */
export interface UtteranceScore {
  /** Utterance id. */
  id: string;
  /** Normalized reference words. */
  ref: string[];
  /** Normalized hypothesis words (empty when the hypothesis was missing in mode `all`). */
  hyp: string[];
  /** Word-level counts. */
  words: EditCounts;
  /** Word errors S+D+I. */
  errors: number;
  /** Character-level counts (zeros when CER is off). */
  chars: EditCounts;
  /** True when the hypothesis was missing and scored as empty (mode `all`). */
  missing: boolean;
  /** Word alignment as `OP_*` codes (only with `alignments: true`). */
  ops?: Uint8Array;
}

/** Corpus totals: sums of edits over sums of reference tokens (never a mean of per-utterance rates). */
export interface CorpusSummary {
  /** (S+D+I) / referenceWords as a fraction (0.05 = 5 %); null when there are no reference words. */
  wer: number | null;
  /** S+D+I over all utterances. */
  errors: number;
  /** Word substitutions. */
  substitutions: number;
  /** Word deletions. */
  deletions: number;
  /** Word insertions. */
  insertions: number;
  /** Correct words. */
  hits: number;
  /** Total reference words. */
  referenceWords: number;
  /** Total hypothesis words. */
  hypothesisWords: number;
  /** Utterances scored. */
  utterances: number;
  /** Utterances with at least one word error. */
  sentenceErrors: number;
  /** sentenceErrors / utterances; null with no utterances. */
  sentenceErrorRate: number | null;
  /** Character errors / reference characters (spaces between words count, as in jiwer); null if not computed or no characters. */
  cer: number | null;
  /** Character S+D+I. */
  charErrors: number;
  /** Character substitutions. */
  charSubstitutions: number;
  /** Character deletions. */
  charDeletions: number;
  /** Character insertions. */
  charInsertions: number;
  /** Total reference characters (words joined by single spaces). */
  referenceChars: number;
  /** Reference utterances that had no hypothesis (skipped in `present`, scored empty in `all`). */
  missingHypotheses: number;
  /** Hypotheses whose id is not in the reference (always ignored, as in Kaldi). */
  extraHypotheses: number;
  /** Missing-hypothesis mode used. */
  mode: MissingMode;
  /** Normalization used. */
  normalize: NormalizeMode;
}

/** Result of `scoreCorpus`: the totals and every scored utterance in reference order. */
export interface CorpusScore {
  /** Corpus totals. */
  summary: CorpusSummary;
  /** Per-utterance scores, in reference order. */
  utterances: UtteranceScore[];
}

/** Checks an option value against its choices; throws `WerOptionError` naming the option. */
export function checkChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new WerOptionError(`${name} must be one of ${choices.join(', ')} (got "${value}")`);
  }
  return value as T;
}

/**
 * Scores hypotheses against references (both `id -> text`). Corpus WER = total unit-cost edits /
 * total reference words. An empty reference contributes 0 words and its hypothesis words count as
 * insertions. Hypothesis ids absent from the reference are ignored and counted in `extraHypotheses`.
 */
export function scoreCorpus(refs: ReadonlyMap<string, string>, hyps: ReadonlyMap<string, string>, options: ScoreOptions = {}): CorpusScore {
  const mode = checkChoice('mode', options.mode ?? 'strict', MISSING_MODES);
  const normalize = checkChoice('normalize', options.normalize ?? 'none', NORMALIZE_MODES);
  const withCer = options.cer ?? true;
  const missingIds: string[] = [];
  for (const id of refs.keys()) if (!hyps.has(id)) missingIds.push(id);
  if (mode === 'strict' && missingIds.length > 0) throw new MissingHypothesesError(missingIds, refs.size);
  let extra = 0;
  for (const id of hyps.keys()) if (!refs.has(id)) extra++;

  const scorer = new UtteranceScorer(normalize, withCer);
  const utterances: UtteranceScore[] = [];
  for (const [id, refText] of refs) {
    const hypText = hyps.get(id);
    if (hypText === undefined && mode === 'present') continue;
    utterances.push(scorer.score(id, refText, hypText ?? '', hypText === undefined, options.alignments ?? false));
  }
  const summary = summarize(utterances, { mode, normalize, cer: withCer, missingHypotheses: missingIds.length, extraHypotheses: extra });
  return { summary, utterances };
}

/** Scores parallel arrays of reference and hypothesis texts (e.g. a validation set in a training loop). */
export function computeErrorRates(references: readonly string[], hypotheses: readonly string[], options: Pick<ScoreOptions, 'normalize' | 'cer'> = {}): CorpusSummary {
  if (references.length !== hypotheses.length) {
    throw new WerOptionError(`computeErrorRates: ${references.length} references but ${hypotheses.length} hypotheses`);
  }
  const normalize = checkChoice('normalize', options.normalize ?? 'none', NORMALIZE_MODES);
  const scorer = new UtteranceScorer(normalize, options.cer ?? true);
  const utts = references.map((r, i) => scorer.score(String(i), r, hypotheses[i], false, false));
  return summarize(utts, { mode: 'strict', normalize, cer: options.cer ?? true, missingHypotheses: 0, extraHypotheses: 0 });
}

/** Scores single utterances with shared buffers and word ids (one instance per corpus). */
export class UtteranceScorer {
  private readonly aligner = new Aligner();
  private readonly vocab = new TokenIds();
  private refIds = new Int32Array(64);
  private hypIds = new Int32Array(64);
  private refChars = new Int32Array(256);
  private hypChars = new Int32Array(256);

  /** `normalize` applies to both sides; `cer` turns character scoring on. */
  constructor(private readonly normalize: NormalizeMode = 'none', private readonly cer: boolean = true) {}

  /** Scores one utterance; `missing` marks a hypothesis scored as empty. */
  score(id: string, refText: string, hypText: string, missing = false, keepOps = false): UtteranceScore {
    const ref = tokenize(refText, this.normalize);
    const hyp = tokenize(hypText, this.normalize);
    this.refIds = this.vocab.encode(ref, this.refIds);
    this.hypIds = this.vocab.encode(hyp, this.hypIds);
    let words: EditCounts;
    let ops: Uint8Array | undefined;
    if (keepOps) ({ counts: words, ops } = this.aligner.align(this.refIds, this.hypIds, ref.length, hyp.length));
    else words = this.aligner.count(this.refIds, this.hypIds, ref.length, hyp.length);
    let chars: EditCounts = { hits: 0, substitutions: 0, deletions: 0, insertions: 0 };
    if (this.cer) {
      const r = encodeCodePoints(ref.join(' '), this.refChars);
      this.refChars = r.codes;
      const h = encodeCodePoints(hyp.join(' '), this.hypChars);
      this.hypChars = h.codes;
      chars = this.aligner.count(r.codes, h.codes, r.length, h.length);
    }
    const out: UtteranceScore = { id, ref, hyp, words, errors: words.substitutions + words.deletions + words.insertions, chars, missing };
    if (ops) out.ops = ops;
    return out;
  }
}

/** Sums utterance scores into corpus totals. */
export function summarize(
  utts: readonly UtteranceScore[],
  info: { mode: MissingMode; normalize: NormalizeMode; cer: boolean; missingHypotheses: number; extraHypotheses: number },
): CorpusSummary {
  let s = 0, d = 0, ins = 0, hits = 0, refWords = 0, hypWords = 0, sentErr = 0;
  let cs = 0, cd = 0, ci = 0, refChars = 0;
  for (const u of utts) {
    s += u.words.substitutions; d += u.words.deletions; ins += u.words.insertions; hits += u.words.hits;
    refWords += u.ref.length; hypWords += u.hyp.length;
    if (u.errors > 0) sentErr++;
    cs += u.chars.substitutions; cd += u.chars.deletions; ci += u.chars.insertions;
    refChars += u.chars.hits + u.chars.substitutions + u.chars.deletions;
  }
  const errors = s + d + ins;
  const charErrors = cs + cd + ci;
  return {
    wer: refWords > 0 ? errors / refWords : null,
    errors, substitutions: s, deletions: d, insertions: ins, hits,
    referenceWords: refWords, hypothesisWords: hypWords,
    utterances: utts.length, sentenceErrors: sentErr,
    sentenceErrorRate: utts.length > 0 ? sentErr / utts.length : null,
    cer: info.cer && refChars > 0 ? charErrors / refChars : null,
    charErrors, charSubstitutions: cs, charDeletions: cd, charInsertions: ci, referenceChars: refChars,
    missingHypotheses: info.missingHypotheses, extraHypotheses: info.extraHypotheses,
    mode: info.mode, normalize: info.normalize,
  };
}
