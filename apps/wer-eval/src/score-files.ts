import { writeFileAtomic } from '@speechkd/safe-io';
import { checkChoice, checkScoringInputs, formatDetails, MISSING_MODES, NORMALIZE_MODES, readTranscripts, scoreCorpus, ScoringMixupError, TRANSCRIPT_FORMATS } from '@speechkd/wer';
import type { CorpusScore, CorpusSummary, MissingMode, NormalizeMode, ScoringProblem, TranscriptFormat } from '@speechkd/wer';
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
  /** Receives each scoring mix-up as a warning outside strict mode (default: printed to stderr). */
  onWarning?: (message: string) => void;
}

/** Prints a warning line on stderr, as the wer-eval CLI does. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`wer-eval: warning: ${message}\n`);
}

/**
 * Mix-ups that would give a plausible but wrong WER (a file read in the wrong format, a letter-case
 * mismatch): `ScoringMixupError` in strict mode, else one warning each through `onWarning`.
 */
export function reportMixups(problems: readonly ScoringProblem[], mode: MissingMode, onWarning: (message: string) => void = warnOnStderr): void {
  if (problems.length === 0) return;
  if (mode === 'strict') throw new ScoringMixupError(problems);
  for (const p of problems) onWarning(p.message);
}

/** Scores a hypothesis file against a reference file; an empty reference file is an error, and so are mix-ups in strict mode (see `reportMixups`). */
export function scoreFiles(options: ScoreFilesOptions): CorpusScore {
  const format = checkChoice('--format', options.format ?? 'kaldi', TRANSCRIPT_FORMATS);
  const mode = checkChoice('--mode', options.mode ?? 'strict', MISSING_MODES);
  const normalize = checkChoice('--normalize', options.normalize ?? 'none', NORMALIZE_MODES);
  const refs = readTranscripts(options.ref, format);
  if (refs.size === 0) throw new WerEvalError(`${options.ref}: reference file has no utterances (empty file or only blank lines)`);
  const hyps = readTranscripts(options.hyp, format);
  reportMixups(checkScoringInputs({ transcripts: refs, format, source: options.ref }, { transcripts: hyps, format, source: options.hyp }, normalize), mode, options.onWarning);
  const score = scoreCorpus(refs, hyps, { mode, normalize, alignments: options.details !== undefined });
  if (options.details !== undefined) writeFileAtomic(options.details, formatDetails(score.utterances), { flag: '--details' });
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
