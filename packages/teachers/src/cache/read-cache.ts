import fs from 'node:fs';
import path from 'node:path';
import { CacheFormatError, CacheMissError } from '../errors.js';
import { listChunkIndexes, parseIndex, readChunkIndexes } from './chunk-files.js';
import { FilePool } from './file-pool.js';
import { MERGED_INDEX_FILE, SPEECH_LOGITS, TEXT_IDS } from './format.js';
import type { CacheHeader, IndexEntry, StoredDType } from './format.js';
import { checkFingerprint, readHeader } from './header.js';
import type { ExpectedFingerprint } from './header.js';
import { decodeRecord } from './record.js';

/** A cached tensor, row-major; float tensors are returned as float32 whatever their stored type. */
export interface CachedTensor {
  shape: number[];
  data: Float32Array | Int32Array;
  storedDType: StoredDType;
}

/** Everything cached for one utterance. */
export interface CachedTargets {
  id: string;
  /** Audio duration in seconds. */
  duration: number;
  /** Speech hidden states by layer index, each `[frames, dim]`, and logits `[frames, vocab]`. */
  speech: { layers: Map<number, CachedTensor>; logits: CachedTensor | null; frameRate: number } | null;
  /** Text token ids `[tokens]` and hidden states by layer, each `[tokens, dim]`. */
  text: { ids: Int32Array; layers: Map<number, CachedTensor> } | null;
  /** Decoded size in bytes (what it costs in the LRU). */
  byteLength: number;
}

/** Options of `openTeacherCache`. */
export interface OpenCacheOptions {
  /** Refuse (CacheFingerprintError) a cache built by other teachers. */
  expectFingerprint?: ExpectedFingerprint;
  /** Budget of the decoded-record LRU in bytes (default 256 MiB; 0 disables it). */
  cacheBytes?: number;
  /** Open data files kept (default 8). */
  maxOpenFiles?: number;
}

/** Read statistics (to check that reads stream). */
export interface CacheReadStats {
  gets: number;
  /** Gets served from the LRU or from a read a prefetch had started. */
  hits: number;
  recordsRead: number;
  bytesRead: number;
  filesOpened: number;
  lruBytes: number;
}

/** A streaming reader of a teacher cache. */
export interface TeacherCache {
  readonly dir: string;
  readonly header: CacheHeader;
  /** Number of utterances. */
  readonly size: number;
  has(id: string): boolean;
  /** All utterance ids (sorted when read from a merged index). */
  ids(): string[];
  /** Index entry of `id` (location, shapes, checksum), or undefined. */
  entry(id: string): IndexEntry | undefined;
  /** Reads, verifies (CRC32) and decodes one utterance's targets; throws CacheMissError for unknown ids. */
  get(id: string): Promise<CachedTargets>;
  /** Starts reading these utterances in the background so later `get`s hit the LRU. */
  prefetch(ids: Iterable<string>): void;
  stats(): CacheReadStats;
  close(): Promise<void>;
}

/** Decodes one record (checked against its index entry) into the targets a reader returns. */
export function recordTargets(entry: IndexEntry, bytes: Uint8Array, where: string, header: CacheHeader): CachedTargets {
  const speechLayers = new Map<number, CachedTensor>();
  const textLayers = new Map<number, CachedTensor>();
  let logits: CachedTensor | null = null;
  let ids: Int32Array | null = null;
  let byteLength = 0;
  for (const t of decodeRecord(bytes, entry, where)) {
    const ct: CachedTensor = { shape: t.shape, data: t.data, storedDType: t.storedDType };
    byteLength += t.data.byteLength;
    const m = /^(speech|text)\.hidden\.(\d+)$/.exec(t.name);
    if (m) (m[1] === 'speech' ? speechLayers : textLayers).set(Number(m[2]), ct);
    else if (t.name === SPEECH_LOGITS) logits = ct;
    else if (t.name === TEXT_IDS) ids = t.data as Int32Array;
  }
  return {
    id: entry.id,
    duration: entry.duration,
    speech: header.speech ? { layers: speechLayers, logits, frameRate: header.speech.frameRate } : null,
    text: header.text ? { ids: ids ?? new Int32Array(0), layers: textLayers } : null,
    byteLength,
  };
}

function loadIndex(dir: string, header: CacheHeader): Map<string, IndexEntry> {
  const merged = path.join(dir, MERGED_INDEX_FILE);
  let entries: IndexEntry[];
  // A chunk committed (or copied in) after the last merge makes index.jsonl stale: read the chunk indexes then.
  const mergedTime = fs.existsSync(merged) ? fs.statSync(merged).mtimeMs : -1;
  const stale = mergedTime >= 0 && listChunkIndexes(dir).some((c) => fs.statSync(path.join(dir, c.file)).mtimeMs > mergedTime);
  if (mergedTime >= 0 && !stale) {
    const idx = parseIndex(fs.readFileSync(merged, 'utf8'), merged);
    if (idx.fingerprint !== header.fingerprint) throw new CacheFormatError(`${merged}: fingerprint differs from cache.json; rerun \`speechkd-cache index --dir ${dir}\``);
    entries = idx.entries;
  } else {
    entries = readChunkIndexes(dir, header.fingerprint); // no merge step yet: read the shard indexes directly
  }
  const map = new Map<string, IndexEntry>();
  for (const e of entries) if (!map.has(e.id)) map.set(e.id, e);
  return map;
}

/** Opens a cache directory for streaming reads: loads `cache.json` and the index only, never the data. */
export async function openTeacherCache(dir: string, options: OpenCacheOptions = {}): Promise<TeacherCache> {
  const header = readHeader(dir);
  checkFingerprint(dir, header, options.expectFingerprint);
  const index = loadIndex(dir, header);
  const pool = new FilePool(options.maxOpenFiles ?? 8);
  const budget = options.cacheBytes ?? 256 * 2 ** 20;
  const lru = new Map<string, CachedTargets>();
  const pending = new Map<string, Promise<CachedTargets>>();
  const st = { gets: 0, hits: 0, recordsRead: 0, lruBytes: 0 };

  const remember = (t: CachedTargets): void => {
    if (t.byteLength > budget) return;
    lru.set(t.id, t);
    st.lruBytes += t.byteLength;
    for (const [k, v] of lru) {
      if (st.lruBytes <= budget) break;
      lru.delete(k);
      st.lruBytes -= v.byteLength;
    }
  };
  const load = (id: string): Promise<CachedTargets> => {
    const inFlight = pending.get(id);
    if (inFlight) return inFlight;
    const entry = index.get(id);
    if (!entry) return Promise.reject(new CacheMissError(`utterance "${id}" is not in teacher cache ${dir} (${index.size} utterances); rebuild the cache for this manifest`));
    const file = path.join(dir, entry.file);
    const p = pool
      .read(file, entry.offset, entry.length)
      .then((bytes) => {
        st.recordsRead++;
        const t = recordTargets(entry, bytes, file, header);
        remember(t);
        return t;
      })
      .finally(() => pending.delete(id));
    pending.set(id, p);
    return p;
  };

  return {
    dir,
    header,
    size: index.size,
    has: (id) => index.has(id),
    ids: () => [...index.keys()],
    entry: (id) => index.get(id),
    async get(id) {
      st.gets++;
      const hit = lru.get(id);
      if (hit) {
        st.hits++;
        lru.delete(id);
        lru.set(id, hit);
        return hit;
      }
      const inFlight = pending.get(id);
      if (inFlight) st.hits++; // joined a prefetch
      return inFlight ?? load(id);
    },
    prefetch(ids) {
      for (const id of ids) if (!lru.has(id) && index.has(id)) load(id).catch(() => undefined); // errors surface on get()
    },
    stats: () => ({ ...st, bytesRead: pool.bytesRead, filesOpened: pool.opened }),
    close: () => pool.close(),
  };
}
