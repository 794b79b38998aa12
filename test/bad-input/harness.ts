import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledCli, LIBRISPEECH_SAMPLE_ROOT, mountTmpfs } from '@speechkd/fixtures';
import type { Tmpfs } from '@speechkd/fixtures';

/** The command-line tools, by name, with their package folders. */
export const CLI_PACKAGES = {
  'wer-eval': 'apps/wer-eval',
  'speechkd-synth': 'datasets/synth',
  'speechkd-librispeech': 'datasets/librispeech',
  'speechkd-onnx-expose': 'packages/onnx-graph',
  'speechkd-text-tower': 'packages/text-encoders',
  'speechkd-train': 'packages/student-trainer',
  'speechkd-cache': 'packages/teachers',
  speechkd: 'apps/speechkd',
  'speechkd-web': 'apps/web',
} as const;

/** A CLI's name. */
export type Cli = keyof typeof CLI_PACKAGES;

/** What a case can use: its own empty folder (on a tmpfs for disk cases) and the real LibriSpeech sample. */
export interface CaseContext {
  /** The case's folder; everything the command may touch is here. */
  dir: string;
  /** The `LibriSpeech` folder of the 25-utterance fixture (read only). */
  sample: string;
  /** Writes `data` to `<dir>/<name>` (folders created) and returns the path. */
  file(name: string, data: string | Uint8Array): string;
  /** `<dir>/<name>`, not created. */
  at(name: string): string;
}

/** One bad input and what a clear answer to it is. */
export interface BadInputCase {
  cli: Cli;
  /** The class of bad input, e.g. `--out is a file`. */
  name: string;
  /** Run on a 1 MiB tmpfs that is read-only, full or just small while the command runs (skipped without root). */
  disk?: 'read-only' | 'full' | 'small';
  /** Prepares the inputs in `ctx.dir` (before the disk is made read-only or full). */
  setup?: (ctx: CaseContext) => void;
  args: (ctx: CaseContext) => string[];
  /** Expected exit code: 2 a refused command line, 1 a failure while working, 0 a warning case. */
  exit: number;
  /** What stderr must say (the tool's name is checked separately). */
  stderr: RegExp;
  /** Paths (relative to `ctx.dir`) the command must create; anything else new is a leftover. */
  creates?: string[];
  /** Extra environment for the command. */
  env?: Record<string, string>;
  /** The command runs with --debug, so a stack trace is expected. */
  debug?: boolean;
}

/** The result of one case: `problems` lists every way the answer was not a clear error (empty when clear). */
export interface CaseOutcome {
  status: number | null;
  stderr: string;
  problems: string[];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every file and folder under `dir` (relative paths, folders with a trailing slash). */
function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .filter((p) => p !== 'filler')
    .sort();
}

const built = new Map<string, string>();

/** The compiled CLI of `cli` in `root` (this checkout's is rebuilt when stale, once per process). */
function cliPath(root: string, cli: Cli): string {
  const key = `${root}:${cli}`;
  if (!built.has(key)) built.set(key, root === REPO ? compiledCli(path.join(REPO, CLI_PACKAGES[cli])) : path.join(root, CLI_PACKAGES[cli], 'dist', 'cli.js'));
  return built.get(key)!;
}

/** The compiled CLI of `cli` in this checkout (for a case's setup that runs a tool to make its inputs). */
export const checkoutCli = (cli: Cli): string => cliPath(REPO, cli);

/** Runs `node cli args` and collects its exit code and stderr (killed after 120 s: status null). */
function run(cli: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { ...options, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * Runs one case with the compiled CLI of `root` (this checkout by default) in a fresh folder and
 * checks the answer: the exit code, the message, no stack trace, and nothing left behind (no new file
 * or folder but those the case expects, so no temp files and no half-written outputs).
 */
export async function runCase(c: BadInputCase, options: { root?: string; tmpfs?: Tmpfs } = {}): Promise<CaseOutcome> {
  const root = options.root ?? REPO;
  const base = c.disk ? options.tmpfs?.dir : os.tmpdir();
  if (!base) throw new Error(`${c.cli} / ${c.name}: needs a tmpfs`);
  const dir = fs.mkdtempSync(path.join(base, 'case-'));
  const ctx: CaseContext = {
    dir,
    sample: LIBRISPEECH_SAMPLE_ROOT,
    at: (name) => path.join(dir, name),
    file: (name, data) => {
      const f = path.join(dir, name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, data);
      return f;
    },
  };
  try {
    c.setup?.(ctx);
    if (c.disk === 'full') options.tmpfs!.fill();
    const before = snapshot(dir);
    if (c.disk === 'read-only') options.tmpfs!.readOnly();
    const cli = cliPath(root, c.cli);
    const r = await run(cli, c.args(ctx), { cwd: dir, env: { ...process.env, SPEECHKD_DEBUG: '', ...c.env } });
    if (c.disk === 'read-only') options.tmpfs!.readWrite();
    const after = snapshot(dir);
    const problems: string[] = [];
    if (r.status !== c.exit) problems.push(`exit code ${r.status}, expected ${c.exit}`);
    if (!new RegExp(`^${c.cli}: `, 'm').test(r.stderr)) problems.push(`no line starting "${c.cli}: "`);
    if (!c.stderr.test(r.stderr)) problems.push(`stderr does not match ${c.stderr}`);
    if (STACK_LINE.test(r.stderr) !== Boolean(c.debug)) problems.push(c.debug ? 'no stack trace with --debug' : 'a stack trace');
    const created = after.filter((p) => !before.includes(p));
    const expected = new Set((c.creates ?? []).flatMap((p) => [p, `${p}/`]));
    const leftovers = created.filter((p) => !expected.has(p) && !(c.creates ?? []).some((e) => e.startsWith(p)));
    if (leftovers.length) problems.push(`left behind: ${leftovers.join(', ')}`);
    const missing = (c.creates ?? []).filter((p) => !fs.existsSync(path.join(dir, p)));
    if (missing.length) problems.push(`did not create: ${missing.join(', ')}`);
    const removed = before.filter((p) => !after.includes(p));
    if (removed.length) problems.push(`removed: ${removed.join(', ')}`);
    return { status: r.status, stderr: r.stderr, problems };
  } finally {
    if (c.disk === 'full') fs.rmSync(path.join(options.tmpfs!.dir, 'filler'), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A tmpfs for the disk cases, or the reason there is none (then those cases are skipped). */
export function diskForCases(): Tmpfs | string {
  return mountTmpfs(1024);
}

/**
 * A 16-bit mono PCM WAV of `samples` zero samples whose header declares `rate` Hz; `declaredBytes`
 * overrides the data chunk size (a header that claims more data than the file holds).
 */
export function wavBytes(samples: number, rate: number, declaredBytes?: number): Uint8Array {
  const data = samples * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(declaredBytes ?? data, 40);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(1000 * Math.sin(i / 8)), 44 + 2 * i);
  return b;
}
