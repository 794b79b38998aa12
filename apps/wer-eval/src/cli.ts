#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { resolveSubsetDir } from '@speechkd/librispeech';
import { DTYPES } from '@speechkd/recognizer';
import { runCli, SettingsCheck, UsageError } from '@speechkd/safe-io';
import { MISSING_MODES, NORMALIZE_MODES, TRANSCRIPT_FORMATS } from '@speechkd/wer';
import type { MissingMode, NormalizeMode, TranscriptFormat } from '@speechkd/wer';
import { evaluateLibriSpeech, formatOneLine } from './evaluate-librispeech.js';
import { loadModelRecognizer } from './load-model.js';
import { createProgress } from './progress.js';
import { formatSummary, scoreFiles } from './score-files.js';

const USAGE = `usage:
  wer-eval score --ref REF --hyp HYP [--format kaldi|trn] [--mode strict|present|all]
                 [--normalize none|librispeech] [--json] [--details FILE]
  wer-eval librispeech --root DIR --subset NAME (--hyp FILE | --model DIR [--dtype fp32|fp16|q8]) --out DIR
                 [--format kaldi|trn] [--mode strict|present|all] [--normalize none|librispeech]
                 [--batch-size N] [--limit N] [--skip-problems] [--json]

score:       corpus WER/CER of HYP against REF (unit-cost Levenshtein, Kaldi compute-wer convention).
             kaldi format: "ID word word ..." per line; trn: "word word ... (ID)".
             --mode: strict = error if a reference id has no hypothesis; present = score only those
             with one; all = missing hypotheses count as empty. --details writes sclite-style alignments.
librispeech: evaluates a model (or external hypotheses) on DIR/NAME or DIR/LibriSpeech/NAME and writes
             recogs-NAME.txt, errs-NAME.txt, wer-summary-NAME.txt, hyp-NAME.txt, report-NAME.html to --out.
mix-ups:     a trn file read as kaldi (or the reverse) and hypotheses in another letter case than the
             references are errors with --mode strict and warnings otherwise.
errors:      exit 2 for a wrong command line (every problem listed), 1 for bad input; --debug (or
             SPEECHKD_DEBUG=1) adds stack traces.`;

const common = {
  format: { type: 'string' }, mode: { type: 'string' }, normalize: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
} as const;

type Common = { format?: string; mode?: string; normalize?: string };

/** The choices both commands share, checked into `s`. */
function commonChoices(s: SettingsCheck, v: Common): { format?: TranscriptFormat; mode?: MissingMode; normalize?: NormalizeMode } {
  return {
    format: s.choice('--format', v.format, TRANSCRIPT_FORMATS, 'kaldi'),
    mode: s.choice('--mode', v.mode, MISSING_MODES, 'strict'),
    normalize: s.choice('--normalize', v.normalize, NORMALIZE_MODES, 'none'),
  };
}

function noPositionals(s: SettingsCheck, positionals: string[]): void {
  s.check(positionals[0] ?? '', positionals.length === 0, 'unexpected argument (every setting is a --flag)');
}

async function score(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {
    ...common, ref: { type: 'string' }, hyp: { type: 'string' }, details: { type: 'string' },
  } });
  if (values.help) { console.log(USAGE); return 0; }
  const s = new SettingsCheck();
  noPositionals(s, positionals);
  const ref = s.input('--ref', values.ref, { required: true });
  const hyp = s.input('--hyp', values.hyp, { required: true });
  const c = commonChoices(s, values);
  const details = s.outputFile('--details', values.details);
  s.done();
  const { summary } = scoreFiles({ ref: ref!, hyp: hyp!, format: c.format, mode: c.mode, normalize: c.normalize, details });
  console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
  return 0;
}

async function librispeech(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {
    ...common, root: { type: 'string' }, subset: { type: 'string' }, hyp: { type: 'string' }, model: { type: 'string' }, dtype: { type: 'string' }, out: { type: 'string' },
    'batch-size': { type: 'string' }, limit: { type: 'string' }, 'skip-problems': { type: 'boolean', default: false },
  } });
  if (values.help) { console.log(USAGE); return 0; }
  // Every setting is checked, the model loaded and --out created before any utterance is transcribed.
  const s = new SettingsCheck();
  noPositionals(s, positionals);
  const root = s.input('--root', values.root, { kind: 'folder', required: true });
  const subset = s.required('--subset', values.subset, 'a subset name, e.g. test-clean');
  if (root && subset) await s.attempt('--subset', () => resolveSubsetDir(root, subset));
  s.check('--hyp', (values.hyp === undefined) !== (values.model === undefined), 'give exactly one of --hyp FILE and --model DIR');
  const hyp = s.input('--hyp', values.hyp);
  const model = s.input('--model', values.model, { kind: 'folder' });
  const dtype = s.choice('--dtype', values.dtype, DTYPES);
  const c = commonChoices(s, values);
  const batchSize = s.int('--batch-size', values['batch-size'], { min: 1 });
  const limit = s.int('--limit', values.limit, { min: 1 });
  if (values.model !== undefined && values.hyp === undefined) {
    s.check('--format', values.format === undefined, 'applies to --hyp only (a model writes its own hypotheses)');
    s.check('--mode', values.mode === undefined, 'applies to --hyp only (a model transcribes every utterance; scoring is strict)');
  } else if (values.hyp !== undefined && values.model === undefined) {
    s.check('--dtype', values.dtype === undefined, 'applies to --model only');
    s.check('--batch-size', values['batch-size'] === undefined, 'applies to --model only');
  }
  const out = s.outputDir('--out', values.out, { required: true });
  const recognizer = model && s.problems.length === 0 ? await s.attempt('--model', () => loadModelRecognizer(model, dtype)) : undefined;
  try {
    s.done();
  } catch (err) {
    recognizer?.dispose?.();
    throw err;
  }
  const progress = createProgress(subset!);
  try {
    const result = await evaluateLibriSpeech({
      root: root!, subset: subset!, outDir: out!, recognizer, hypFile: hyp,
      hypFormat: c.format, mode: c.mode, normalize: c.normalize, batchSize, limit, skipProblems: values['skip-problems'],
      onProgress: recognizer ? (d, t, sec) => progress.update(d, t, `${sec.toFixed(0)} s audio`) : undefined,
    });
    progress.stop();
    console.log(values.json ? JSON.stringify({ ...result.summary, rtf: result.rtf, audioSeconds: result.audioSeconds, files: result.files }) : formatOneLine(subset!, result));
  } finally {
    progress.stop();
    recognizer?.dispose?.();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { console.log(USAGE); return 0; }
  if (command === 'score') return score(rest);
  if (command === 'librispeech') return librispeech(rest);
  throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
}

runCli('wer-eval', main, { usage: USAGE });
