#!/usr/bin/env node
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { synthesizeCorpus } from './corpus.js';
import type { SynthProgress } from './corpus.js';
import { SynthError } from './errors.js';
import { PRESETS, SUBSETS } from './presets.js';

const USAGE = `usage: speechkd-synth --preset tiny|small|full --out DIR [--seed N] [--workers N] [--augment] [--limit N]

Synthesizes a LibriSpeech-layout corpus (DIR/SynthLibri/<subset>/<spk>/<chapter>/*.wav, trans.txt,
SPEAKERS.TXT, <subset>.jsonl manifests) from Brown-corpus sentences with espeak-ng and flite.
Re-running with the same settings resumes: finished files are kept.

  --preset   ${Object.keys(PRESETS).join(' | ')} (required)
  --out      output folder (required)
  --seed     non-negative integer (default 1)
  --workers  worker processes (default: available cores; 0 = render in this process)
  --augment  add seeded noise at a random SNR and a random gain
  --limit    render only the first N planned utterances
  --help     this text`;

function fail(message: string): never {
  process.stderr.write(`speechkd-synth: ${message}\n`);
  process.exit(2);
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function progressReporter(): { update: (p: SynthProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: 'synth [{bar}] {value}/{total} utts | {audio} min audio | {failed} failed | ETA {eta_formatted}',
      etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update: (p) => {
        const payload = { audio: (p.audioSeconds / 60).toFixed(1), failed: p.failed };
        if (!started) { bar.start(p.total, p.done, payload); started = true; } else bar.update(p.done, payload);
      },
      stop: () => bar.stop(),
    };
  }
  const t0 = Date.now();
  let last = 0;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 10_000 && p.done < p.total) return;
      last = now;
      const elapsed = (now - t0) / 1000;
      const eta = p.done ? (elapsed / p.done) * (p.total - p.done) : 0;
      process.stderr.write(`synth: ${p.done}/${p.total} utts, ${(p.audioSeconds / 60).toFixed(1)} min audio, ${p.failed} failed, ETA ${eta.toFixed(0)} s\n`);
    },
    stop: () => {},
  };
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        preset: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' },
        augment: { type: 'boolean' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (!values.preset) fail(`--preset is required\n${USAGE}`);
  if (!values.out) fail(`--out is required\n${USAGE}`);
  const abort = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nspeechkd-synth: stopping after the utterances in progress (finished files are kept; rerun to resume)\n');
    abort.abort();
  });
  const progress = progressReporter();
  let result;
  try {
    result = await synthesizeCorpus({
      preset: values.preset, out: values.out, seed: intFlag('seed', values.seed) ?? 1, workers: intFlag('workers', values.workers),
      augment: values.augment ?? false, limit: intFlag('limit', values.limit), onProgress: progress.update, signal: abort.signal,
    });
  } finally {
    progress.stop();
  }
  for (const s of SUBSETS) {
    process.stderr.write(`${s}: ${result.utterances[s]} utterances, ${(result.seconds[s] / 3600).toFixed(2)} h -> ${result.manifests[s]}\n`);
  }
  process.stderr.write(`rendered ${result.synthesized}, kept ${result.skipped} from an earlier run, failed ${result.failures.length}; `
    + `${result.wallSeconds.toFixed(1)} s wall, ${result.realtimeFactor.toFixed(1)}x realtime\n`);
  for (const f of result.failures.slice(0, 10)) process.stderr.write(`  failed ${f.id}: ${f.error}\n`);
  if (result.failures.length > 10) process.stderr.write(`  ... see ${result.root}/failures.jsonl\n`);
  if (result.aborted) {
    process.stderr.write('stopped early: manifests not written; rerun the same command to finish\n');
    process.exitCode = 130;
  }
}

main().catch((err: unknown) => {
  if (err instanceof SynthError) fail(`${err.name}: ${err.message}`);
  throw err;
});
