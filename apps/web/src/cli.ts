#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDtype } from '@speechkd/recognizer';
import type { Dtype } from '@speechkd/recognizer';
import { launchChromium } from './chromium.js';
import { latencyTable, measureLatency } from './latency.js';
import { runPage } from './page-driver.js';
import { startServer } from './server.js';
import { WebError } from './web-error.js';

const USAGE = `usage:
  speechkd-web serve --model DIR [--port N]
      build output in dist/site + the model folder DIR, on http://127.0.0.1:N/ with COOP/COEP headers
  speechkd-web browser-check --model DIR --audio FILE [FILE ...] [--dtype fp32|fp16|q8] [--threads N] [--screenshot FILE]
      the same page in headless Chromium (/usr/bin/chromium); one JSON object per file on stdout:
      {"file", "transcript", "rtf", "engine": "onnxruntime-web", "browser"}
  speechkd-web latency --model DIR --audio FILE [FILE ...] [--runs N] [--threads 1,2] [--dtypes fp32,fp16,q8] [--json FILE]
      the latency table: Chromium (wasm) and onnxruntime-node, every dtype and thread count, on the same files
Root scripts: npm run web -- --model DIR; npm run browser-check -- --model DIR --audio FILE...`;

/** Error for bad command-line usage. */
class UsageError extends Error {
  override name = 'UsageError';
}

function dtypeFlag(value: string | undefined, fallback: Dtype): Dtype {
  try {
    return value === undefined ? fallback : parseDtype(value, '--dtype');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function needModel(model: string | undefined, cmd: string): string {
  if (!model) throw new UsageError(`${cmd}: --model DIR is required (a model folder: a training run's final/, or speechkd-train export --model DIR)`);
  return model;
}

function audioFiles(files: string[] | undefined, cmd: string): string[] {
  if (!files || files.length === 0) throw new UsageError(`${cmd}: give at least one --audio FILE (WAV or FLAC)`);
  for (const f of files) if (!fs.existsSync(f)) throw new UsageError(`--audio ${f}: no such file`);
  return files.map((f) => path.resolve(f));
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, port: { type: 'string' } } });
  const port = values.port === undefined ? 8023 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535], got "${values.port}"`);
  const server = await startServer({ modelDir: needModel(values.model, 'serve'), port });
  const m = server.manifest;
  process.stderr.write(`[web] ${m.name} (${(m.parameters / 1e6).toFixed(2)} M parameters; ${Object.keys(m.onnx.variants).join(', ')}) from ${server.modelDir}\n`);
  process.stdout.write(`${server.url}  (q8 by default; ${server.url}?dtype=fp32&threads=2 for another variant or thread count)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await server.close();
}

async function browserCheck(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, audio: { type: 'string', multiple: true }, dtype: { type: 'string' }, threads: { type: 'string' }, screenshot: { type: 'string' } } });
  const model = needModel(values.model, 'browser-check');
  const given = [...(values.audio ?? []), ...positionals]; // --audio a.flac b.wav, or --audio a.flac --audio b.wav
  const files = audioFiles(given, 'browser-check');
  const dtype = dtypeFlag(values.dtype, 'q8');
  const threads = positiveInt('--threads', values.threads, 1);
  const server = await startServer({ modelDir: model });
  const browser = await launchChromium().catch(async (err) => {
    await server.close();
    throw err;
  });
  try {
    const run = await runPage(browser, server.url, { dtype, threads, files, screenshot: values.screenshot });
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
  const model = needModel(values.model, 'latency');
  const given = [...(values.audio ?? []), ...positionals];
  const files = audioFiles(given, 'latency');
  const threads = (values.threads ?? '1,2').split(',').map((t) => positiveInt('--threads', t, 1));
  const dtypes = (values.dtypes ?? 'fp32,fp16,q8').split(',').map((d) => dtypeFlag(d, 'fp32'));
  const { rows, browser } = await measureLatency({ modelDir: model, files, dtypes, threads, runs: positiveInt('--runs', values.runs, 3), log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${latencyTable(rows, browser)}\n`);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ model, files: given, browser, rows }, null, 1)}\n`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { serve, 'browser-check': browserCheck, latency };

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const fn = COMMANDS[cmd];
  if (!fn) throw new UsageError(`unknown command "${cmd}"\n${USAGE}`);
  await fn(args);
}

main(process.argv.slice(2)).catch((err: Error & { code?: string }) => {
  const known = err instanceof UsageError || err instanceof WebError || (err.code ?? '').startsWith('ERR_PARSE_ARGS') || err.name === 'ModelFolderError';
  process.stderr.write(`speechkd-web: ${known ? err.message : (err.stack ?? err.message)}\n`);
  process.exit(err instanceof UsageError || (err.code ?? '').startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
