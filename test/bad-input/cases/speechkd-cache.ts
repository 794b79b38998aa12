import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hfExportDir, LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { checkoutCli } from '../harness.js';
import type { BadInputCase, CaseContext } from '../harness.js';

/** The tiny wav2vec2 ONNX export of the fixtures (16-dim, two layers): a teacher that loads in a second. */
const TEACHER = `onnx:${hfExportDir('wav2vec2-ctc')}`;
const CHAPTER = path.join(LIBRISPEECH_SAMPLE_ROOT, 'test-clean', '1089', '134686');

/** A manifest of two real utterances of the LibriSpeech sample (absolute audio paths) at `<dir>/m.jsonl`. */
function manifest(c: CaseContext): string {
  const lines = fs.readFileSync(path.join(CHAPTER, '1089-134686.trans.txt'), 'utf8').trim().split('\n').slice(0, 2).map((l) => {
    const [id, ...words] = l.split(' ');
    return JSON.stringify({ id, audio: path.join(CHAPTER, `${id}.wav`), duration: 0, speaker: '1089', chapter: '134686', text: words.join(' ') });
  });
  return c.file('m.jsonl', `${lines.join('\n')}\n`);
}

let built: string | undefined;

/**
 * A real cache of two utterances built once per process by `speechkd-cache build` with the tiny teacher
 * (merged into one chunk, `data-1/chunk-000000`), then copied to `<dir>/cache` for each case that damages it.
 */
function cache(c: CaseContext): string {
  if (!built) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-cache-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const m = manifest({ ...c, file: (name, data) => (fs.writeFileSync(path.join(dir, name), data), path.join(dir, name)) });
    const r = spawnSync(process.execPath, [checkoutCli('speechkd-cache'), 'build', '--manifest', m, '--out', path.join(dir, 'cache'), '--speech-teacher', TEACHER], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`speechkd-cache build (the cases' cache) failed:\n${r.stderr}`);
    built = path.join(dir, 'cache');
  }
  fs.cpSync(built, c.at('cache'), { recursive: true });
  return c.at('cache');
}

/** The merged chunk: the records of 1089-134686-0000 and -0001, back to back. */
const chunk = (c: CaseContext): string => c.at('cache/data-1/chunk-000000.bin');

/**
 * speechkd-cache: build's settings all checked before a teacher is loaded or --out is written; a cache
 * whose chunks were damaged after the build (a flipped byte, a cut-off copy, a torn index) is reported
 * naming the file, never read as plausible targets.
 */
export const CACHE_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-cache', name: 'build: wrong settings of every kind, all in one message', exit: 2,
    args: (c) => ['build', '--manifest', c.at('nope.jsonl'), '--out', c.at('cache'), '--speech-teacher', 'onnx:/nowhere', '--shard', '3/2', '--dtype', 'q8',
      '--chunk-utterances', '0', '--limit=-1', '--model-dtype', 'int4'],
    stderr: /^speechkd-cache: 7 problems with the settings:\n {2}--manifest: .*nope\.jsonl: cannot read manifest \(ENOENT\)\n {2}--speech-teacher: \/nowhere: no such folder, and not a hub id \(owner\/name\)\n {2}--shard: "3\/2": index 3 is outside 0\.\.1; shards are numbered from 0\n {2}--dtype: must be one of float16, float32, int8 \(got "q8"\); --dtype is the cache's storage type: pick the ONNX variant with --model-dtype q8\n {2}--chunk-utterances: must be an integer >= 1 \(got "0"\)\n {2}--limit: must be an integer >= 1 \(got "-1"\)\n {2}--model-dtype: "int4": not a model dtype; use one of fp32, .*\n\(speechkd-cache --help shows the usage\)\n$/,
  },
  {
    cli: 'speechkd-cache', name: 'build: required settings missing', exit: 2, args: () => ['build'],
    stderr: /^speechkd-cache: 3 problems with the settings:\n {2}--manifest: is required \(give a manifest \.jsonl\)\n {2}--out: is required .*\n {2}--speech-teacher: give --speech-teacher and\/or --text-teacher\n/,
  },
  {
    cli: 'speechkd-cache', name: 'build: a manifest that does not parse', exit: 2, setup: (c) => { c.file('m.jsonl', '{"id": 1}\n'); },
    args: (c) => ['build', '--manifest', c.at('m.jsonl'), '--out', c.at('cache'), '--speech-teacher', TEACHER],
    stderr: /^speechkd-cache: --manifest: .*m\.jsonl:1: field "id" must be a string\n/,
  },
  {
    cli: 'speechkd-cache', name: 'build: --out is a file', exit: 2, setup: (c) => { manifest(c); c.file('cache', ''); },
    args: (c) => ['build', '--manifest', c.at('m.jsonl'), '--out', c.at('cache'), '--speech-teacher', TEACHER],
    stderr: /^speechkd-cache: --out: .*cache: cannot write here: .*cache is a file, not a folder/,
  },
  {
    cli: 'speechkd-cache', name: 'build: --out on a read-only disk', exit: 2, disk: 'read-only', setup: manifest,
    args: (c) => ['build', '--manifest', c.at('m.jsonl'), '--out', c.at('caches/a'), '--speech-teacher', TEACHER],
    stderr: /^speechkd-cache: --out: .*caches\/a: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-cache', name: 'build: --out on a full disk', exit: 2, disk: 'full', setup: manifest,
    args: (c) => ['build', '--manifest', c.at('m.jsonl'), '--out', c.at('cache'), '--speech-teacher', TEACHER],
    stderr: /^speechkd-cache: --out: .*cache: cannot write here: no space left on the device \(the disk is full\)/,
  },
  {
    cli: 'speechkd-cache', name: 'verify: a chunk with a flipped byte', exit: 1,
    setup: (c) => {
      cache(c);
      const fd = fs.openSync(chunk(c), 'r+');
      fs.writeSync(fd, Buffer.from([0x5a]), 0, 1, 100);
      fs.closeSync(fd);
    },
    args: (c) => ['verify', '--dir', c.at('cache')],
    stderr: /^.*data-1\/chunk-000000\.bin: checksum mismatch for utterance "1089-134686-0000" at byte 0 \(crc32 \d+ != \d+\); the file is corrupt: delete it and its \.index\.jsonl.*\n.*cache: 2 records, .* 1 bad\nspeechkd-cache: .*cache: 1 record\(s\) are damaged/,
  },
  {
    cli: 'speechkd-cache', name: 'verify: a chunk cut short (truncated copy)', exit: 1,
    setup: (c) => { cache(c); fs.truncateSync(chunk(c), fs.statSync(chunk(c)).size - 1000); }, // the second record loses its end
    args: (c) => ['verify', '--dir', c.at('cache')],
    stderr: /data-1\/chunk-000000\.bin: ends at byte (\d+), record needs \d+; truncated file\n(.*\n)*speechkd-cache: .*cache: 1 record\(s\) are damaged/,
  },
  {
    cli: 'speechkd-cache', name: 'info: a torn chunk index', exit: 1,
    setup: (c) => {
      cache(c);
      const index = c.at('cache/data-1/chunk-000000.index.jsonl');
      fs.truncateSync(index, fs.statSync(index).size - 20);
      fs.rmSync(c.at('cache/index.jsonl')); // read from the chunk indexes
    },
    args: (c) => ['info', '--dir', c.at('cache')],
    stderr: /^speechkd-cache: .*data-1\/chunk-000000\.index\.jsonl:3: not a JSON object \(truncated index\?\)\n/,
  },
  { cli: 'speechkd-cache', name: 'verify without --dir', exit: 2, args: () => ['verify'], stderr: /^speechkd-cache: --dir is required\n\nusage:/ },
  { cli: 'speechkd-cache', name: 'unknown command', exit: 2, args: () => ['fit'], stderr: /^speechkd-cache: unknown command "fit"\n\nusage:/ },
];
