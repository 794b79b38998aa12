#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DTYPES } from '@speechkd/recognizer';
import { runCli, SettingsCheck, UsageError, writeFileAtomic } from '@speechkd/safe-io';
import { launchChromium } from './chromium.js';
import { latencyTable, measureLatency } from './latency.js';
import { runPage } from './page-driver.js';
import { startServer } from './server.js';

const USAGE = `usage:
  speechkd-web serve --model DIR [--port N]
      build output in dist/site + the model folder DIR, on http://127.0.0.1:N/ with COOP/COEP headers
  speechkd-web browser-check --model DIR --audio FILE [FILE ...] [--dtype fp32|fp16|q8] [--threads N] [--screenshot FILE]
      the same page in headless Chromium (/usr/bin/chromium); one JSON object per file on stdout:
      {"file", "transcript", "rtf", "engine": "onnxruntime-web", "browser"}
  speechkd-web latency --model DIR --audio FILE [FILE ...] [--runs N] [--threads 1,2] [--dtypes fp32,fp16,q8] [--json FILE]
      the latency table: Chromium (wasm) and onnxruntime-node, every dtype and thread count, on the same files
Root scripts: npm run web -- --model DIR; npm run browser-check -- --model DIR --audio FILE...`;

/** A comma list whose every item `parse` accepts (it records problems itself); undefined if any failed. */
function list<T>(raw: string, parse: (item: string) => T | undefined): T[] | undefined {
  const out = raw.split(',').map((item) => parse(item.trim()));
  return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
}

/** `--audio a.flac b.wav` or `--audio a.flac --audio b.wav`: every file must exist. */
function audioFiles(s: SettingsCheck, given: string[]): string[] {
  if (given.length === 0) s.add('--audio', 'give at least one FILE (WAV or FLAC)');
  return given.filter((f) => s.input('--audio', f) !== undefined).map((f) => path.resolve(f));
}

/** `--model DIR`: required, an existing folder (what it holds is checked when the server opens it). */
function modelFolder(s: SettingsCheck, raw: string | undefined): string | undefined {
  if (raw === undefined) {
    s.add('--model', "is required (a model folder: a training run's final/, or speechkd-train export --model DIR)");
    return undefined;
  }
  return s.input('--model', raw, { kind: 'folder' });
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, port: { type: 'string' } } });
  const s = new SettingsCheck();
  const model = modelFolder(s, values.model);
  const port = s.int('--port', values.port, { min: 0, max: 65535, default: 8023 });
  s.done();
  const server = await startServer({ modelDir: model!, port });
  const m = server.manifest;
  process.stderr.write(`[web] ${m.name} (${(m.parameters / 1e6).toFixed(2)} M parameters; ${Object.keys(m.onnx.variants).join(', ')}) from ${server.modelDir}\n`);
  process.stdout.write(`${server.url}  (q8 by default; ${server.url}?dtype=fp32&threads=2 for another variant or thread count)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await server.close();
}

async function browserCheck(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, audio: { type: 'string', multiple: true }, dtype: { type: 'string' }, threads: { type: 'string' }, screenshot: { type: 'string' } } });
  const s = new SettingsCheck();
  const model = modelFolder(s, values.model);
  const given = [...(values.audio ?? []), ...positionals]; // --audio a.flac b.wav, or --audio a.flac --audio b.wav
  const files = audioFiles(s, given);
  const dtype = s.choice('--dtype', values.dtype, DTYPES, 'q8');
  const threads = s.int('--threads', values.threads, { min: 1, default: 1 });
  const screenshot = s.outputFile('--screenshot', values.screenshot);
  s.done();
  const server = await startServer({ modelDir: model! });
  const browser = await launchChromium().catch(async (err) => {
    await server.close();
    throw err;
  });
  try {
    const run = await runPage(browser, server.url, { dtype: dtype!, threads: threads!, files, screenshot });
    run.results.forEach((r, i) => {
      process.stdout.write(`${JSON.stringify({ file: given[i], transcript: r.transcript, rtf: r.rtf, engine: 'onnxruntime-web', browser: r.browser })}\n`);
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

async function latency(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, audio: { type: 'string', multiple: true }, runs: { type: 'string' }, threads: { type: 'string' }, dtypes: { type: 'string' }, json: { type: 'string' } } });
  const s = new SettingsCheck();
  const model = modelFolder(s, values.model);
  const given = [...(values.audio ?? []), ...positionals];
  const files = audioFiles(s, given);
  const threads = list(values.threads ?? '1,2', (t) => s.int('--threads', t, { min: 1, required: true }));
  const dtypes = list(values.dtypes ?? 'fp32,fp16,q8', (d) => s.choice('--dtypes', d, DTYPES));
  const runs = s.int('--runs', values.runs, { min: 1, default: 3 });
  const json = s.outputFile('--json', values.json);
  s.done();
  const { rows, browser } = await measureLatency({ modelDir: model!, files, dtypes: dtypes!, threads: threads!, runs: runs!, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${latencyTable(rows, browser)}\n`);
  if (json) writeFileAtomic(json, `${JSON.stringify({ model, files: given, browser, rows }, null, 1)}\n`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { serve, 'browser-check': browserCheck, latency };

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const fn = COMMANDS[cmd];
  if (!fn) throw new UsageError(`unknown command "${cmd}"`);
  await fn(args);
}

runCli('speechkd-web', main, { usage: USAGE });
