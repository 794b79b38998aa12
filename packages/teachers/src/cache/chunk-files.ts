import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic as writeAtomic } from '@speechkd/safe-io';
import { CacheFormatError } from '../errors.js';
import { CACHE_FORMAT, CACHE_VERSION, READABLE_CACHE_VERSIONS } from './format.js';
import type { IndexEntry, IndexHeaderLine } from './format.js';

// `chunk-000042.index.jsonl` (merged data folders) or `chunk-000042.<writer>.index.jsonl` (shard folders: the
// writer's id keeps two writers of one shard, e.g. an old and a replacement pod, out of each other's files).
const CHUNK_INDEX_RE = /^chunk-(\d{6})(?:\.([\w-]+))?\.index\.jsonl$/;
const SHARD_DIR_RE = /^shard-(\d+)-of-(\d+)$/;
const DATA_DIR_RE = /^data-(\d+)$/;

/** File names of chunk `seq` (of `writer` in a shard folder): `chunk-000042[.<writer>].bin` and its committed `.index.jsonl`. */
export function chunkNames(seq: number, writer?: string): { data: string; index: string } {
  const s = `${String(seq).padStart(6, '0')}${writer ? `.${writer}` : ''}`;
  return { data: `chunk-${s}.bin`, index: `chunk-${s}.index.jsonl` };
}

/** Name of a merged data folder: `data-<generation>`. */
export const dataDirName = (generation: number): string => `data-${generation}`;

/** Writes `text` to `file` atomically (temp file of this process and thread, rename), durably (fsync) unless `durable` is false. */
export function writeFileAtomic(file: string, text: string, durable = true): void {
  writeAtomic(file, text, { fsync: durable });
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
  if (!READABLE_CACHE_VERSIONS.includes(head.header.version)) {
    throw new CacheFormatError(`${where}: format version ${head.header.version}, this reader handles ${READABLE_CACHE_VERSIONS.join(' and ')}`);
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
  /** The shard folder it lies in, or null for a merged `data-<generation>` folder. */
  shard: { index: number; count: number } | null;
  /** Generation of its merged data folder (0 for shard folders). */
  generation: number;
  seq: number;
  /** Writer id in the file name (shard folders), or null. */
  writer: string | null;
}

/** Generations of the merged `data-<n>` folders of a cache, newest first. */
export function listDataGenerations(dir: string): number[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((d) => {
    const m = DATA_DIR_RE.exec(d);
    return m ? [Number(m[1])] : [];
  }).sort((a, b) => b - a);
}

/** Shard folders (`shard-i-of-N`) of a cache, sorted by name. */
export function listShardDirs(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => SHARD_DIR_RE.test(d)).sort() : [];
}

/**
 * Lists the committed chunk indexes of a cache: the merged `data-<n>` folders, newest first, then every
 * `shard-i-of-N` folder by name (the order in which a duplicate id's first copy wins).
 */
export function listChunkIndexes(dir: string): ChunkIndexFile[] {
  const out: ChunkIndexFile[] = [];
  if (!fs.existsSync(dir)) return out;
  const folders = [
    ...listDataGenerations(dir).map((g) => ({ sub: dataDirName(g), shard: null, generation: g })),
    ...listShardDirs(dir).map((sub) => {
      const m = SHARD_DIR_RE.exec(sub)!;
      return { sub, shard: { index: Number(m[1]), count: Number(m[2]) }, generation: 0 };
    }),
  ];
  for (const { sub, shard, generation } of folders) {
    for (const f of fs.readdirSync(path.join(dir, sub)).sort()) {
      const c = CHUNK_INDEX_RE.exec(f);
      if (c) out.push({ file: `${sub}/${f}`, shard, generation, seq: Number(c[1]), writer: c[2] ?? null });
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

/**
 * Removes what crashed writers left in a shard folder: temp files and chunk data without a committed index.
 * Files of `writers` (this one, and a dead holder whose lock it took over) go at once; other writers' only
 * when untouched for `staleMs` (one may still be writing them: a replacement pod running beside the old one).
 */
export function cleanShardDir(shardDir: string, writers: readonly string[], staleMs: number): void {
  const names = new Set(fs.readdirSync(shardDir));
  const now = Date.now();
  for (const f of names) {
    const isTmp = f.includes('.tmp-');
    const orphan = f.endsWith('.bin') && !names.has(f.replace(/\.bin$/, '.index.jsonl'));
    if (!isTmp && !orphan) continue;
    const file = path.join(shardDir, f);
    const mine = writers.some((w) => f.includes(`.${w}.`));
    try {
      if (mine || now - fs.statSync(file).mtimeMs >= staleMs) fs.rmSync(file, { force: true });
    } catch {
      // removed by another writer meanwhile
    }
  }
}
