#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runCli, SettingsCheck, UsageError } from '@speechkd/safe-io';
import { describeConventionBreaks } from './convention.js';
import { downloadLibriSpeech, LIBRISPEECH_SUBSETS } from './download.js';
import { buildManifest } from './manifest-builder.js';
import { writeManifest } from './manifest.js';
import { createProgress } from './progress.js';
import { resolveSubsetDir } from './reader.js';

const USAGE = `usage:
  speechkd-librispeech manifest --root DIR --subset NAME --out FILE.jsonl [--skip-problems]
  speechkd-librispeech download --subset NAME --dir DIR [--base-url URL] [--md5 HEX] [--keep-archive]

manifest: reads DIR/NAME (or DIR/LibriSpeech/NAME) and writes a JSONL manifest (id, audio, duration,
          speaker, chapter, text); layout problems and unreadable or absurd audio headers are errors
          unless --skip-problems; transcripts outside upper case A-Z plus apostrophe are reported.
download: fetches NAME.tar.gz from OpenSLR resource 12 (resumable), checks its MD5 and extracts it
          into DIR/LibriSpeech/NAME; NAME is one of ${LIBRISPEECH_SUBSETS.join(', ')}
          (another name needs --md5).
Every setting is checked before any work: a wrong command line exits 2 listing every problem, a
failure while working exits 1; --debug (or SPEECHKD_DEBUG=1) adds stack traces.`;

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function manifest(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: {
    root: { type: 'string' }, subset: { type: 'string' }, out: { type: 'string' }, 'skip-problems': { type: 'boolean', default: false },
  } });
  const s = new SettingsCheck();
  const root = s.input('--root', values.root, { kind: 'folder', required: true });
  const subset = s.required('--subset', values.subset, 'a subset name, e.g. test-clean');
  if (root && subset) await s.attempt('--subset', () => resolveSubsetDir(root, subset));
  const out = s.outputFile('--out', values.out, { required: true });
  s.done();
  const progress = createProgress(`headers ${subset}`);
  const built = await buildManifest(root!, subset!, {
    onProblem: values['skip-problems'] ? 'skip' : 'error', onProgress: (d, t) => progress.update(d, t),
  });
  progress.stop();
  const convention = describeConventionBreaks(built.conventionBreaks, built.entries.length);
  if (convention) process.stderr.write(`speechkd-librispeech: warning: ${convention}\n`);
  writeManifest(out!, built.entries);
  const skipped = Object.entries(built.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  const hours = built.entries.reduce((a, e) => a + e.duration, 0) / 3600;
  console.log(`${out}: ${built.entries.length} utterances, ${hours.toFixed(2)} h${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}`);
  return 0;
}

async function download(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: {
    subset: { type: 'string' }, dir: { type: 'string' }, 'base-url': { type: 'string' }, md5: { type: 'string' }, 'keep-archive': { type: 'boolean', default: false },
  } });
  const s = new SettingsCheck();
  const subset = s.required('--subset', values.subset, `one of ${LIBRISPEECH_SUBSETS.join(', ')}`);
  if (subset !== undefined && values.md5 === undefined) s.choice('--subset', subset, LIBRISPEECH_SUBSETS);
  if (subset !== undefined) s.check('--subset', /^[\w.-]+$/.test(subset) && subset !== '.' && subset !== '..', `"${subset}" is not a plain subset name`);
  if (values.md5 !== undefined) s.check('--md5', /^[0-9a-fA-F]{32}$/.test(values.md5), `must be 32 hexadecimal digits (got "${values.md5}")`);
  if (values['base-url'] !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(values['base-url']).protocol);
    } catch {
      ok = false;
    }
    s.check('--base-url', ok, `must be an http:// or https:// URL (got "${values['base-url']}")`);
  }
  const dir = s.outputDir('--dir', values.dir, { required: true });
  s.done();
  const progress = createProgress(`download ${subset}`, mib);
  const ready = await downloadLibriSpeech({
    subset: subset!, dir: dir!, baseUrl: values['base-url'], md5: values.md5, keepArchive: values['keep-archive'],
    onProgress: (b, t) => progress.update(b, t ?? undefined),
  });
  progress.stop();
  console.log(`${subset}: ready in ${ready}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') { console.log(USAGE); return 0; }
  if (command === 'manifest') return manifest(rest);
  if (command === 'download') return download(rest);
  throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
}

runCli('speechkd-librispeech', main, { usage: USAGE });
