#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { downloadLibriSpeech } from './download.js';
import { buildManifest } from './manifest-builder.js';
import { writeManifest } from './manifest.js';
import { createProgress } from './progress.js';

const USAGE = `usage:
  speechkd-librispeech manifest --root DIR --subset NAME --out FILE.jsonl [--skip-problems]
  speechkd-librispeech download --subset NAME --dir DIR [--base-url URL] [--md5 HEX] [--keep-archive]

manifest: reads DIR/NAME (or DIR/LibriSpeech/NAME) and writes a JSONL manifest (id, audio, duration,
          speaker, chapter, text); layout problems are errors unless --skip-problems.
download: fetches NAME.tar.gz from OpenSLR resource 12 (resumable), checks its MD5 and extracts it
          into DIR/LibriSpeech/NAME.`;

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') { console.log(USAGE); return command ? 0 : 2; }
  if (command === 'manifest') {
    const { values } = parseArgs({ args: rest, strict: true, options: {
      root: { type: 'string' }, subset: { type: 'string' }, out: { type: 'string' }, 'skip-problems': { type: 'boolean', default: false },
    } });
    if (!values.root || !values.subset || !values.out) throw new UsageError('manifest needs --root, --subset and --out');
    const progress = createProgress(`headers ${values.subset}`);
    const built = await buildManifest(values.root, values.subset, {
      onProblem: values['skip-problems'] ? 'skip' : 'error', onProgress: (d, t) => progress.update(d, t),
    });
    progress.stop();
    writeManifest(values.out, built.entries);
    const skipped = Object.entries(built.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    const hours = built.entries.reduce((a, e) => a + e.duration, 0) / 3600;
    console.log(`${values.out}: ${built.entries.length} utterances, ${hours.toFixed(2)} h${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}`);
    return 0;
  }
  if (command === 'download') {
    const { values } = parseArgs({ args: rest, strict: true, options: {
      subset: { type: 'string' }, dir: { type: 'string' }, 'base-url': { type: 'string' }, md5: { type: 'string' }, 'keep-archive': { type: 'boolean', default: false },
    } });
    if (!values.subset || !values.dir) throw new UsageError('download needs --subset and --dir');
    const progress = createProgress(`download ${values.subset}`, mib);
    const dir = await downloadLibriSpeech({
      subset: values.subset, dir: values.dir, baseUrl: values['base-url'], md5: values.md5, keepArchive: values['keep-archive'],
      onProgress: (b, t) => progress.update(b, t ?? undefined),
    });
    progress.stop();
    console.log(`${values.subset}: ready in ${dir}`);
    return 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const e = err as Error & { code?: string };
    const usage = e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`speechkd-librispeech: ${e.message}\n${usage ? `\n${USAGE}\n` : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
