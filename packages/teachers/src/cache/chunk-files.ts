import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic as writeAtomic } from '@speechkd/safe-io';
import { CacheFormatError, CacheLockedError } from '../errors.js';
import { CACHE_FORMAT, CACHE_VERSION } from './format.js';
import type { IndexEntry, IndexHeaderLine } from './format.js';

const CHUNK_INDEX_RE = /^chunk-(\d{6})\.index\.jsonl$/;
const SHARD_DIR_RE = /^shard-(\d+)-of-(\d+)$/;

/** File names of chunk `seq`: `chunk-000042.bin` and its committed index `chunk-000042.index.jsonl`. */
export function chunkNames(seq: number): { data: string; index: string } {
  const s = String(seq).padStart(6, '0');
  return { data: `chunk-${s}.bin`, index: `chunk-${s}.index.jsonl` };
}

/** Writes `text` to `file` durably and atomically: temp file, fsync, rename (the temp file is removed on failure). */
export function writeFileAtomic(file: string, text: string): void {
  writeAtomic(file, text, { fsync: true });
}

/** Formats an index (header line, then one entry per line). */
export function formatIndex(fingerprint: string, entries: readonly IndexEntry[]): string {
  const head: IndexHeaderLine = { header: { format: CACHE_FORMAT, version: CACHE_VERSION, fingerprint } };
  return [head, ...entries].map((o) => JSON.stringify(o)).join('\n') + '\n';
}

/** Parses an index file; returns its fingerprint and entries. */
export function parseIndex(text: string, where: string): { fingerprint: string; entries: IndexEntry[] } {
  const lines = text.split('\n').filter((l) => l.trim());
  let head: IndexHeaderLine;
  try {
    head = JSON.parse(lines[0] ?? 'null') as IndexHeaderLine;
  } catch {
    throw new CacheFormatError(`${where}: first line is not JSON; not a speechkd teacher-cache index`);
  }
  if (!head?.header || head.header.format !== CACHE_FORMAT) throw new CacheFormatError(`${where}: missing "${CACHE_FORMAT}" header line`);
  if (head.header.version !== CACHE_VERSION) {
    throw new CacheFormatError(`${where}: format version ${head.header.version}, this reader handles ${CACHE_VERSION}`);
  }
  const entries: IndexEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    try {
      entries.push(JSON.parse(lines[i]) as IndexEntry);
    } catch {
      throw new CacheFormatError(`${where}:${i + 1}: not a JSON object (truncated index?)`);
    }
  }
  return { fingerprint: head.header.fingerprint, entries };
}

/** A committed chunk index found on disk. */
export interface ChunkIndexFile {
  /** Path relative to the cache directory. */
  file: string;
  shard: { index: number; count: number };
  seq: number;
}

/** Lists the committed chunk indexes of every `shard-i-of-N` folder of a cache, sorted by path. */
export function listChunkIndexes(dir: string): ChunkIndexFile[] {
  const out: ChunkIndexFile[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const sub of fs.readdirSync(dir).sort()) {
    const m = SHARD_DIR_RE.exec(sub);
    if (!m) continue;
    for (const f of fs.readdirSync(path.join(dir, sub)).sort()) {
      const c = CHUNK_INDEX_RE.exec(f);
      if (c) out.push({ file: `${sub}/${f}`, shard: { index: Number(m[1]), count: Number(m[2]) }, seq: Number(c[1]) });
    }
  }
  return out;
}

/** Reads every committed chunk index of a cache, checking each carries `fingerprint`. */
export function readChunkIndexes(dir: string, fingerprint: string): IndexEntry[] {
  const all: IndexEntry[] = [];
  for (const c of listChunkIndexes(dir)) {
    const where = path.join(dir, c.file);
    const idx = parseIndex(fs.readFileSync(where, 'utf8'), where);
    if (idx.fingerprint !== fingerprint) {
      throw new CacheFormatError(`${where}: chunk fingerprint ${idx.fingerprint} differs from cache.json's ${fingerprint}; it was copied in from another cache`);
    }
    for (const e of idx.entries) all.push(e);
  }
  return all;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the write lock of a shard folder (a `LOCK` file holding the pid); a dead holder's lock is taken over. */
export function lockShardDir(shardDir: string): () => void {
  const lock = path.join(shardDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lock, 'utf8'));
      if (holder && holder !== process.pid && pidAlive(holder)) {
        throw new CacheLockedError(`${shardDir} is being written by process ${holder}; wait for it or use another --shard`);
      }
      fs.rmSync(lock, { force: true }); // stale lock of a crashed run
    }
  }
  throw new CacheLockedError(`${shardDir}: could not take the write lock`);
}

/** Removes temp files and uncommitted chunk data (no index beside it) left by a crashed run. */
export function cleanShardDir(shardDir: string): void {
  const names = new Set(fs.readdirSync(shardDir));
  for (const f of names) {
    const isTmp = f.includes('.tmp-');
    const orphan = f.endsWith('.bin') && !names.has(f.replace(/\.bin$/, '.index.jsonl'));
    if (isTmp || orphan) fs.rmSync(path.join(shardDir, f), { force: true });
  }
}
