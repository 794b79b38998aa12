import fs from 'node:fs';
import { checkChoice, formatDetails, MISSING_MODES, NORMALIZE_MODES, readTranscripts, scoreCorpus, TRANSCRIPT_FORMATS } from '@speechkd/wer';
import type { CorpusScore, CorpusSummary, MissingMode, NormalizeMode, TranscriptFormat } from '@speechkd/wer';
import { WerEvalError } from './errors.js';

/** Options of `scoreFiles` (the `wer-eval score` command). */
export interface ScoreFilesOptions {
  /** Reference transcript file. */
  ref: string;
  /** Hypothesis transcript file. */
  hyp: string;
  /** Format of both files (default `kaldi`: `ID word ...`). */
  format?: TranscriptFormat;
  /** Missing-hypothesis mode (default `strict`). */
  mode?: MissingMode;
  /** Normalization (default `none`). */
  normalize?: NormalizeMode;
  /** Write the sclite-style per-utterance alignment to this file. */
  details?: string;
}

/** Scores a hypothesis file against a reference file; an empty reference file is an error. */
export function scoreFiles(options: ScoreFilesOptions): CorpusScore {
  const format = checkChoice('--format', options.format ?? 'kaldi', TRANSCRIPT_FORMATS);
  const mode = checkChoice('--mode', options.mode ?? 'strict', MISSING_MODES);
  const normalize = checkChoice('--normalize', options.normalize ?? 'none', NORMALIZE_MODES);
  const refs = readTranscripts(options.ref, format);
  if (refs.size === 0) throw new WerEvalError(`${options.ref}: reference file has no utterances (empty file or only blank lines)`);
  const hyps = readTranscripts(options.hyp, format);
  const score = scoreCorpus(refs, hyps, { mode, normalize, alignments: options.details !== undefined });
  if (options.details !== undefined) writeAtomic(options.details, formatDetails(score.utterances));
  return score;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : (100 * x).toFixed(2));

/** Kaldi `compute-wer`-style text summary (%WER line, %SER line, plus CER). */
export function formatSummary(s: CorpusSummary): string {
  const lines = [
    `%WER ${pct(s.wer)} [ ${s.errors} / ${s.referenceWords}, ${s.insertions} ins, ${s.deletions} del, ${s.substitutions} sub ]`,
    `%SER ${pct(s.sentenceErrorRate)} [ ${s.sentenceErrors} / ${s.utterances} ]`,
    `%CER ${pct(s.cer)} [ ${s.charErrors} / ${s.referenceChars}, ${s.charInsertions} ins, ${s.charDeletions} del, ${s.charSubstitutions} sub ]`,
    `Scored ${s.utterances} utterances (mode ${s.mode}, normalize ${s.normalize})` +
      (s.missingHypotheses ? `, ${s.missingHypotheses} without hypothesis` : '') +
      (s.extraHypotheses ? `, ${s.extraHypotheses} hypotheses without reference ignored` : '') + '.',
  ];
  return lines.join('\n');
}
