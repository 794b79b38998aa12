#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { MissingMode, NormalizeMode, TranscriptFormat } from '@speechkd/wer';
import { WerEvalError } from './errors.js';
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
             recogs-NAME.txt, errs-NAME.txt, wer-summary-NAME.txt, hyp-NAME.txt, report-NAME.html to --out.`;

/** Thrown for bad command lines; printed with the usage, exit code 2. */
class UsageError extends Error {}

const common = {
  format: { type: 'string' }, mode: { type: 'string' }, normalize: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
} as const;

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer (got "${v}")`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { console.log(USAGE); return 0; }
  if (command === 'score') {
    const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: {
      ...common, ref: { type: 'string' }, hyp: { type: 'string' }, details: { type: 'string' },
    } });
    if (values.help) { console.log(USAGE); return 0; }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.ref || !values.hyp) throw new UsageError('score needs --ref and --hyp');
    const { summary } = scoreFiles({
      ref: values.ref, hyp: values.hyp, format: values.format as TranscriptFormat | undefined, mode: values.mode as MissingMode | undefined,
      normalize: values.normalize as NormalizeMode | undefined, details: values.details,
    });
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
    return 0;
  }
  if (command === 'librispeech') {
    const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: {
      ...common, root: { type: 'string' }, subset: { type: 'string' }, hyp: { type: 'string' }, model: { type: 'string' }, dtype: { type: 'string' }, out: { type: 'string' },
      'batch-size': { type: 'string' }, limit: { type: 'string' }, 'skip-problems': { type: 'boolean', default: false },
    } });
    if (values.help) { console.log(USAGE); return 0; }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.root || !values.subset || !values.out) throw new UsageError('librispeech needs --root, --subset and --out');
    if ((values.hyp === undefined) === (values.model === undefined)) throw new UsageError('librispeech needs exactly one of --hyp FILE and --model DIR');
    const batchSize = positiveInt('--batch-size', values['batch-size']);
    const limit = positiveInt('--limit', values.limit);
    if (values.dtype !== undefined && !['fp32', 'fp16', 'q8'].includes(values.dtype)) throw new UsageError(`--dtype must be fp32, fp16 or q8, got "${values.dtype}"`);
    if (values.dtype !== undefined && values.model === undefined) throw new UsageError('--dtype applies to --model only');
    const recognizer = values.model !== undefined ? await loadModelRecognizer(values.model, values.dtype) : undefined;
    const progress = createProgress(`${values.subset}`);
    try {
      const result = await evaluateLibriSpeech({
        root: values.root, subset: values.subset, outDir: values.out, recognizer, hypFile: values.hyp,
        hypFormat: values.format as TranscriptFormat | undefined, mode: values.mode as MissingMode | undefined,
        normalize: values.normalize as NormalizeMode | undefined, batchSize, limit, skipProblems: values['skip-problems'],
        onProgress: recognizer ? (d, t, sec) => progress.update(d, t, `${sec.toFixed(0)} s audio`) : undefined,
      });
      progress.stop();
      console.log(values.json ? JSON.stringify({ ...result.summary, rtf: result.rtf, audioSeconds: result.audioSeconds, files: result.files }) : formatOneLine(values.subset, result));
    } finally {
      progress.stop();
      recognizer?.dispose?.();
    }
    return 0;
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const e = err as Error & { code?: string };
    const usage = e instanceof UsageError || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'));
    const known = usage || e instanceof WerEvalError || /Error$/.test(e.name) && e.name !== 'Error' && e.name !== 'TypeError';
    process.stderr.write(`wer-eval: ${known ? e.message : (e.stack ?? String(e))}\n${usage ? `\n${USAGE}\n` : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
