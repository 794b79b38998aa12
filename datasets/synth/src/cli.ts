#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES, runCli, SettingsCheck } from '@speechkd/safe-io';
import cliProgress from 'cli-progress';
import { synthesizeCorpus } from './corpus.js';
import type { SynthProgress } from './corpus.js';
import { CORPUS_DIR } from './layout.js';
import { PRESETS, SUBSETS } from './presets.js';

const USAGE = `usage: speechkd-synth --preset tiny|small|full --out DIR [--seed N] [--workers N] [--augment] [--limit N]

Synthesizes a LibriSpeech-layout corpus (DIR/SynthLibri/<subset>/<spk>/<chapter>/*.wav, trans.txt,
SPEAKERS.TXT, <subset>.jsonl manifests) from Brown-corpus sentences with espeak-ng and flite.
Re-running with the same settings resumes: finished files are kept.

  --preset   ${Object.keys(PRESETS).join(' | ')} (required)
  --out      output folder (required)
  --seed     integer from 0 to 2^32-1 (default 1)
  --workers  worker processes, 0 to 256 (default: available cores; 0 = render in this process)
  --augment  add seeded noise at a random SNR and a random gain
  --limit    render only the first N planned utterances (N >= 1)
  --help     this text
  --debug    stack traces on errors (also SPEECHKD_DEBUG=1)

Every setting and the output folder (writable, enough free space) are checked before any work;
a wrong command line exits 2 listing every problem, a failure while working exits 1.`;

/** Bytes of audio an utterance needs at least (about 4 s of 16 kHz 16-bit mono; the presets average 5-6 s). */
const MIN_BYTES_PER_UTTERANCE = 4 * 16000 * 2;

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

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' },
      augment: { type: 'boolean' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  // Every setting is checked, and the output folder's disk, before anything is rendered or written.
  const s = new SettingsCheck();
  const presetName = s.required('--preset', values.preset, `one of ${Object.keys(PRESETS).join(', ')}`);
  const preset = presetName === undefined ? undefined : s.choice('--preset', presetName, Object.keys(PRESETS));
  const seed = s.int('--seed', values.seed, { min: 0, max: 2 ** 32 - 1, default: 1 });
  const workers = s.int('--workers', values.workers, { min: 0, max: 256 });
  const limit = s.int('--limit', values.limit, { min: 1 });
  let planned = 0;
  if (preset) for (const sub of SUBSETS) planned += PRESETS[preset].speakers[sub] * PRESETS[preset].uttsPerSpeaker[sub];
  const resuming = values.out !== undefined && fs.existsSync(path.join(values.out, CORPUS_DIR));
  const needBytes = preset && !resuming ? Math.min(planned, limit ?? planned) * MIN_BYTES_PER_UTTERANCE : undefined;
  const out = s.outputDir('--out', values.out, { required: true, needBytes });
  s.done();
  const abort = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nspeechkd-synth: stopping after the utterances in progress (finished files are kept; rerun to resume)\n');
    abort.abort();
  });
  const progress = progressReporter();
  let result;
  try {
    result = await synthesizeCorpus({
      preset: preset!, out: out!, seed, workers, augment: values.augment ?? false, limit, onProgress: progress.update, signal: abort.signal,
    });
  } finally {
    progress.stop();
  }
  for (const sub of SUBSETS) {
    process.stderr.write(`${sub}: ${result.utterances[sub]} utterances, ${(result.seconds[sub] / 3600).toFixed(2)} h -> ${result.manifests[sub]}\n`);
  }
  process.stderr.write(`rendered ${result.synthesized}, kept ${result.skipped} from an earlier run, failed ${result.failures.length}; `
    + `${result.wallSeconds.toFixed(1)} s wall, ${result.realtimeFactor.toFixed(1)}x realtime\n`);
  for (const f of result.failures.slice(0, 10)) process.stderr.write(`  failed ${f.id}: ${f.error}\n`);
  if (result.failures.length > 10) process.stderr.write(`  ... see ${result.root}/failures.jsonl\n`);
  if (result.aborted) {
    process.stderr.write('stopped early: manifests not written; rerun the same command to finish\n');
    return EXIT_CODES.interrupted;
  }
  return 0;
}

runCli('speechkd-synth', main, { usage: USAGE });
