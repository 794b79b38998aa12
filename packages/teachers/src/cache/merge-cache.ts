import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { CacheChecksumError, CacheFormatError, CacheLockedError } from '../errors.js';
import { chunkNames, dataDirName, formatIndex, listChunkIndexes, listDataGenerations, listShardDirs, parseIndex, writeFileAtomic } from './chunk-files.js';
import { ChunkWriter } from './chunk-writer.js';
import { FilePool } from './file-pool.js';
import { MERGED_INDEX_FILE } from './format.js';
import type { IndexEntry } from './format.js';
import { readHeader } from './header.js';
import { acquireShardLock, describeHolder, newWriterId, readLockHolder } from './shard-lock.js';

/** Options of `mergeTeacherCache`. */
export interface MergeCacheOptions {
  /** A merged chunk closes after this many utterances (default 64) ... */
  chunkUtterances?: number;
  /** ... or once its data passes this many bytes (default 64 MiB): the rule a one-process build writes by. */
  chunkBytes?: number;
  /** Ids the cache must hold (a manifest's); the missing ones are reported, nothing is merged without them unless `allowMissing`. */
  expectIds?: Iterable<string>;
  /** Merge although `expectIds` has ids the cache lacks (default false). */
  allowMissing?: boolean;
  /** A shard lock whose file has not been touched for this long is taken for a dead writer's (default 60 s). */
  staleMs?: number;
  /** Progress in utterances written. */
  onProgress?: (done: number, total: number) => void;
}

/** What a merge did. */
export interface MergeCacheResult {
  /** The merged folder, e.g. `data-1`, or null when there was nothing to merge. */
  dataDir: string | null;
  utterances: number;
  bytes: number;
  audioSeconds: number;
  chunks: number;
  /** Chunks taken over whole (hard link of a data file that already held exactly that chunk) rather than copied. */
  linkedChunks: number;
  /** Ids found more than once (e.g. written by an old and a replacement pod); the first copy is kept. */
  duplicates: number;
  /** Of those, ids whose copies differ in bytes (teachers that are not deterministic across machines). */
  conflicts: string[];
  missing: string[];
  /** True when the cache was already merged and nothing was rewritten. */
  unchanged: boolean;
}

const byId = (a: IndexEntry, b: IndexEntry): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Index entry with its fields in the order every writer uses (so equal caches are equal bytes). */
const entryAt = (e: IndexEntry, file: string, offset: number): IndexEntry => ({
  id: e.id, file, offset, length: e.length, crc32: e.crc32, duration: e.duration, tensors: e.tensors,
});

/** Splits id-sorted entries into chunks by the build's rule: close after `maxUtts` records or once past `maxBytes`. */
function planChunks(entries: readonly IndexEntry[], maxUtts: number, maxBytes: number): IndexEntry[][] {
  const chunks: IndexEntry[][] = [];
  let cur: IndexEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    cur.push(e);
    bytes += e.length;
    if (cur.length >= maxUtts || bytes >= maxBytes) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** The source data file when `chunk` is exactly that whole file's records in order (then it can be linked, not copied). */
function wholeFile(dir: string, chunk: readonly IndexEntry[]): string | null {
  const file = chunk[0].file;
  let offset = 0;
  for (const e of chunk) {
    if (e.file !== file || e.offset !== offset) return null;
    offset += e.length;
  }
  try {
    return fs.statSync(path.join(dir, file)).size === offset ? file : null;
  } catch {
    return null;
  }
}

/** Refuses to merge while a build still writes: a shard lock held by a live process here, or touched within `staleMs`. */
function checkNoWriters(dir: string, staleMs: number): void {
  for (const sub of listShardDirs(dir)) {
    const lock = path.join(dir, sub, 'LOCK');
    const holder = readLockHolder(lock);
    if (!holder) continue;
    let age = Infinity;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue;
    }
    if (age < staleMs) {
      throw new CacheLockedError(`${path.join(dir, sub)} is still being written by ${describeHolder(holder)} (heartbeat ${(age / 1000).toFixed(0)} s ago); merge once every shard has finished`);
    }
  }
}

/**
 * Merges a cache into its canonical form: every committed record (of the shard folders and of earlier merges),
 * one copy per id, sorted by id, in chunks cut by the one-process build's rule, written to a new `data-<n>`
 * folder with `index.jsonl`; the shard folders and older data folders are then removed. The result depends
 * only on the records, not on how many shards computed them: N shards merged equal a one-process build byte
 * for byte. Each record's CRC32 is checked as it is copied; a data file that already holds exactly one merged
 * chunk is hard-linked instead. Atomic: the new folder appears by one rename once complete; a crash before
 * leaves the cache as it was (rerun the merge). Needs free disk for one copy of what is not linked.
 */
export async function mergeTeacherCache(dir: string, options: MergeCacheOptions = {}): Promise<MergeCacheResult> {
  const header = readHeader(dir);
  const maxUtts = options.chunkUtterances ?? 64;
  const maxBytes = options.chunkBytes ?? 64 * 2 ** 20;
  checkNoWriters(dir, options.staleMs ?? 60_000);
  const writer = newWriterId();
  const lock = await acquireShardLock(dir, writer, { name: 'MERGE-LOCK', wait: false });
  const pool = new FilePool(8);
  try {
    for (const f of fs.readdirSync(dir)) if (/^data-\d+\.tmp-/.test(f)) fs.rmSync(path.join(dir, f), { recursive: true, force: true }); // an interrupted merge's
    const chunkFiles = listChunkIndexes(dir);
    const all = new Map<string, IndexEntry>();
    let duplicates = 0;
    const conflicts: string[] = [];
    for (const c of chunkFiles) {
      const where = path.join(dir, c.file);
      const idx = parseIndex(fs.readFileSync(where, 'utf8'), where);
      if (idx.fingerprint !== header.fingerprint) throw new CacheFormatError(`${where}: chunk fingerprint ${idx.fingerprint} differs from cache.json's ${header.fingerprint}; it was copied in from another cache`);
      for (const e of idx.entries) {
        const first = all.get(e.id);
        if (!first) all.set(e.id, e);
        else {
          duplicates++;
          if (first.crc32 !== e.crc32 || first.length !== e.length) conflicts.push(e.id);
        }
      }
    }
    const entries = [...all.values()].sort(byId);
    const missing: string[] = [];
    for (const id of options.expectIds ?? []) if (!all.has(id)) missing.push(id);
    const base = { utterances: entries.length, bytes: entries.reduce((a, e) => a + e.length, 0), audioSeconds: entries.reduce((a, e) => a + e.duration, 0), duplicates, conflicts, missing };
    if (missing.length && !options.allowMissing) {
      return { ...base, dataDir: null, chunks: 0, linkedChunks: 0, unchanged: true };
    }
    const plan = planChunks(entries, maxUtts, maxBytes);
    const gens = listDataGenerations(dir);
    const shardChunks = chunkFiles.filter((c) => c.shard !== null);
    if (gens.length === 1 && shardChunks.length === 0 && isCanonical(dir, dataDirName(gens[0]), plan)) {
      writeFileAtomic(path.join(dir, MERGED_INDEX_FILE), formatIndex(header.fingerprint, entries));
      return { ...base, dataDir: dataDirName(gens[0]), chunks: plan.length, linkedChunks: 0, unchanged: true };
    }
    if (entries.length === 0) return { ...base, dataDir: null, chunks: 0, linkedChunks: 0, unchanged: true };
    const rel = dataDirName((gens[0] ?? 0) + 1);
    const tmp = path.join(dir, `${rel}.tmp-${writer}`);
    fs.mkdirSync(tmp);
    const merged: IndexEntry[] = [];
    let linked = 0;
    let done = 0;
    for (let seq = 0; seq < plan.length; seq++) {
      const chunk = plan[seq];
      const names = chunkNames(seq);
      const source = wholeFile(dir, chunk);
      if (source) {
        const from = path.join(dir, source);
        const to = path.join(tmp, names.data);
        try {
          fs.linkSync(from, to);
        } catch {
          fs.copyFileSync(from, to); // a filesystem without hard links
        }
        const out: IndexEntry[] = [];
        let offset = 0;
        for (const e of chunk) {
          out.push(entryAt(e, `${rel}/${names.data}`, offset));
          offset += e.length;
        }
        writeFileAtomic(path.join(tmp, names.index), formatIndex(header.fingerprint, out));
        merged.push(...out);
        linked++;
      } else {
        const w = new ChunkWriter(tmp, rel, seq, header.fingerprint);
        try {
          for (const e of chunk) {
            const file = path.join(dir, e.file);
            const bytes = await pool.read(file, e.offset, e.length);
            const sum = crc32(bytes);
            if (sum !== e.crc32) throw new CacheChecksumError(`${file}: checksum mismatch for utterance "${e.id}" at byte ${e.offset} (crc32 ${sum} != ${e.crc32}); delete that chunk and its .index.jsonl, rebuild, then merge`);
            w.append(e.id, e.duration, { bytes, tensors: e.tensors, crc32: e.crc32 });
          }
          merged.push(...w.commit().map((e) => entryAt(e, e.file, e.offset)));
        } catch (err) {
          w.abort();
          throw err;
        }
      }
      done += chunk.length;
      options.onProgress?.(done, entries.length);
    }
    fsyncDir(tmp);
    fs.renameSync(tmp, path.join(dir, rel));
    fsyncDir(dir);
    writeFileAtomic(path.join(dir, MERGED_INDEX_FILE), formatIndex(header.fingerprint, merged));
    for (const sub of listShardDirs(dir)) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
    for (const g of gens) fs.rmSync(path.join(dir, dataDirName(g)), { recursive: true, force: true });
    return { ...base, dataDir: rel, chunks: plan.length, linkedChunks: linked, unchanged: false };
  } finally {
    await pool.close();
    lock.release();
  }
}

/** True when data folder `rel` holds exactly `plan` under the canonical names. */
function isCanonical(dir: string, rel: string, plan: readonly IndexEntry[][]): boolean {
  const files = fs.readdirSync(path.join(dir, rel)).filter((f) => f.endsWith('.index.jsonl')).sort();
  if (files.length !== plan.length) return false;
  return plan.every((chunk, seq) => {
    const names = chunkNames(seq);
    if (files[seq] !== names.index) return false;
    let offset = 0;
    return chunk.every((e) => {
      const ok = e.file === `${rel}/${names.data}` && e.offset === offset;
      offset += e.length;
      return ok;
    });
  });
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // directories cannot be fsynced on every platform; the renames are atomic anyway
  }
}
