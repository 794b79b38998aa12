import path from 'node:path';
import { decodeAudioFile } from '@speechkd/audio-features';
import { describeConventionBreaks, readLibriSpeechSubset } from '@speechkd/librispeech';
import { prepareOutputDir, writeFileAtomic } from '@speechkd/safe-io';
import { checkChoice, checkScoringInputs, formatTranscripts, MISSING_MODES, NORMALIZE_MODES, readTranscripts, scoreCorpus, transcribeInBatches, TRANSCRIPT_FORMATS } from '@speechkd/wer';
import type { CorpusSummary, MissingMode, NormalizeMode, Recognizer, TranscriptFormat } from '@speechkd/wer';
import { WerEvalError } from './errors.js';
import { formatErrs, formatRecogs, formatWerSummary } from './result-files.js';
import { renderReport } from './report-html.js';
import { reportMixups, warnOnStderr } from './score-files.js';

/** Options of `evaluateLibriSpeech`: give exactly one of `recognizer` and `hypFile`. */
export interface EvaluateLibriSpeechOptions {
  /** Folder holding `<subset>/` (the `LibriSpeech` folder) or its parent. */
  root: string;
  /** Subset, e.g. `test-clean`. */
  subset: string;
  /** Output folder for recogs, errs, wer-summary, hypotheses and the HTML report. */
  outDir: string;
  /** Any object implementing `Recognizer` (the student, a test double, an external engine wrapper). */
  recognizer?: Recognizer;
  /** Or: external hypotheses to score. */
  hypFile?: string;
  /** Format of `hypFile` (default `kaldi`). */
  hypFormat?: TranscriptFormat;
  /** Missing hypotheses in `hypFile` (default `strict`). */
  mode?: MissingMode;
  /** Normalization of both sides (default `none`; use `librispeech` for cased/punctuated output). */
  normalize?: NormalizeMode;
  /** Utterances per `transcribeBatch` call when the recognizer has one (default 8). */
  batchSize?: number;
  /** Evaluate only the first N utterances (for quick checks). */
  limit?: number;
  /** Skip corpus-layout problems instead of failing (default false). */
  skipProblems?: boolean;
  /** Called after each batch with utterances done, total and audio seconds so far. */
  onProgress?: (done: number, total: number, audioSeconds: number) => void;
  /** Receives warnings: transcripts outside the LibriSpeech convention, scoring mix-ups outside strict mode (default: stderr). */
  onWarning?: (message: string) => void;
}

/** Result of `evaluateLibriSpeech`. */
export interface EvaluationResult {
  /** Corpus totals. */
  summary: CorpusSummary;
  /** System name (recognizer name or hypothesis file name). */
  system: string;
  /** Audio seconds transcribed (null with `hypFile`). */
  audioSeconds: number | null;
  /** Seconds spent inside the recognizer (decoding audio files excluded; null with `hypFile`). */
  recognizerSeconds: number | null;
  /** recognizerSeconds / audioSeconds (null with `hypFile`). */
  rtf: number | null;
  /** Paths of the files written. */
  files: { recogs: string; errs: string; werSummary: string; hypotheses: string; report: string };
}

/**
 * Evaluates a recognizer (or an external hypothesis file) on a LibriSpeech subset and writes
 * icefall-style `recogs-<subset>.txt`, `errs-<subset>.txt`, `wer-summary-<subset>.txt`, the
 * hypotheses as `hyp-<subset>.txt` (kaldi format) and a self-contained `report-<subset>.html`.
 * The output folder is checked and created before any transcription; with a recognizer the scoring is
 * strict (a letter-case mismatch with the references is an error).
 */
export async function evaluateLibriSpeech(options: EvaluateLibriSpeechOptions): Promise<EvaluationResult> {
  const { recognizer, hypFile } = options;
  if ((recognizer === undefined) === (hypFile === undefined)) throw new WerEvalError('give exactly one of a recognizer (--model) and a hypothesis file (--hyp)');
  const normalize = checkChoice('--normalize', options.normalize ?? 'none', NORMALIZE_MODES);
  const mode = checkChoice('--mode', options.mode ?? 'strict', MISSING_MODES);
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WerEvalError(`batch size must be a positive integer (got ${batchSize})`);
  const warn = options.onWarning ?? warnOnStderr;
  const contents = readLibriSpeechSubset(options.root, options.subset, { onProblem: options.skipProblems ? 'skip' : 'error' });
  prepareOutputDir(options.outDir);
  let utts = contents.utterances;
  if (options.limit !== undefined) utts = utts.slice(0, options.limit);
  if (utts.length === 0) throw new WerEvalError(`${contents.dir}: no utterances to evaluate`);
  const kept = new Set(utts.map((u) => u.id));
  const breaks = describeConventionBreaks(contents.conventionBreaks.filter((b) => kept.has(b.id)), utts.length);
  if (breaks && normalize === 'none') warn(breaks);
  const refs = new Map(utts.map((u) => [u.id, u.text]));

  let hyps: Map<string, string>;
  let audioSeconds: number | null = null;
  let recognizerSeconds: number | null = null;
  let system: string;
  const hypFormat = checkChoice('--format', options.hypFormat ?? 'kaldi', TRANSCRIPT_FORMATS);
  if (recognizer) {
    system = recognizer.name;
    let texts: string[];
    ({ texts, audioSeconds, recognizerSeconds } = await transcribeInBatches(recognizer, utts, { load: (u) => decodeAudioFile(u.audio), batchSize, onBatch: options.onProgress }));
    hyps = new Map(utts.map((u, i) => [u.id, String(texts[i])]));
  } else {
    system = path.basename(hypFile as string);
    hyps = readTranscripts(hypFile as string, hypFormat);
    options.onProgress?.(utts.length, utts.length, 0);
  }
  const scoringMode = recognizer ? 'strict' : mode;
  const hypSide = recognizer ? { transcripts: hyps, source: `the hypotheses of ${system}` } : { transcripts: hyps, format: hypFormat, source: hypFile as string };
  reportMixups(checkScoringInputs({ transcripts: refs, source: contents.dir }, hypSide, normalize), scoringMode, warn);
  const { summary, utterances } = scoreCorpus(refs, hyps, { mode: scoringMode, normalize, alignments: true });
  const rtf = audioSeconds && recognizerSeconds !== null ? recognizerSeconds / audioSeconds : null;

  const s = options.subset;
  const files = {
    recogs: path.join(options.outDir, `recogs-${s}.txt`),
    errs: path.join(options.outDir, `errs-${s}.txt`),
    werSummary: path.join(options.outDir, `wer-summary-${s}.txt`),
    hypotheses: path.join(options.outDir, `hyp-${s}.txt`),
    report: path.join(options.outDir, `report-${s}.html`),
  };
  writeFileAtomic(files.recogs, formatRecogs(utterances));
  writeFileAtomic(files.errs, formatErrs(summary, utterances));
  writeFileAtomic(files.werSummary, formatWerSummary(system.replace(/\s+/g, '_'), summary));
  writeFileAtomic(files.hypotheses, formatTranscripts(utterances.map((u) => [u.id, hyps.get(u.id) ?? '']), 'kaldi'));
  writeFileAtomic(files.report, renderReport(summary, utterances, {
    title: `${system} on LibriSpeech ${s}`, system, subset: s, audioSeconds, rtf, date: new Date().toISOString(),
  }));
  return { summary, system, audioSeconds, recognizerSeconds, rtf, files };
}

/** The one-line summary the CLI prints, e.g. `test-clean: WER 5.73 % (3012/52576 words), 2620 utterances, RTF 0.0123`. */
export function formatOneLine(subset: string, r: EvaluationResult): string {
  const s = r.summary;
  const wer = s.wer === null ? 'n/a' : `${(100 * s.wer).toFixed(2)} %`;
  return `${subset}: WER ${wer} (${s.errors}/${s.referenceWords} words), ${s.utterances} utterances, RTF ${r.rtf === null ? 'n/a' : r.rtf.toFixed(4)}` +
    `${r.audioSeconds !== null ? ` (${r.audioSeconds.toFixed(1)} s audio in ${(r.recognizerSeconds ?? 0).toFixed(1)} s)` : ''} [${r.system}]`;
}
