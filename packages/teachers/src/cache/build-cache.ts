import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { CacheChecksumError, TeachersArgumentError } from '../errors.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { cleanShardDir, listChunkIndexes, parseIndex } from './chunk-files.js';
import { ChunkWriter } from './chunk-writer.js';
import { MERGED_INDEX_FILE, makeHeader } from './format.js';
import type { CacheHeader, HiddenDType, IndexEntry, SpeechCacheKey, TextCacheKey } from './format.js';
import { ensureHeader } from './header.js';
import { mergeTeacherCache } from './merge-cache.js';
import type { MergeCacheResult } from './merge-cache.js';
import { shardDirName, shardOfId } from './partition.js';
import type { ShardSpec } from './partition.js';
import { encodeRecord } from './record.js';
import type { TensorInput } from './record.js';
import { acquireShardLock, newWriterId } from './shard-lock.js';
import type { LockHolder } from './shard-lock.js';
import { floatTypeOf, resolveStorage } from './storage.js';
import type { StorageOptions } from './storage.js';
import { SpeechTensorWriter, speechKeyFor, textTensors } from './stored-tensors.js';

/** The manifest fields the cache needs. */
export interface CacheUtterance {
  id: string;
  /** Absolute audio path. */
  audio: string;
  /** Transcript (for the text teacher). */
  text: string;
  /** Manifest duration in seconds; recorded for text-only caches (with a speech teacher the decoded length is used). */
  duration?: number;
}

/** Progress of a build, reported once at the start and after every utterance. */
export interface BuildProgress {
  /** Utterances of this shard finished (computed now or found cached). */
  done: number;
  total: number;
  /** Audio seconds computed in this run. */
  audioSeconds: number;
  elapsedSeconds: number;
}

/** Options of `buildTeacherCache`. */
export interface BuildCacheOptions {
  entries: readonly CacheUtterance[];
  outDir: string;
  /** Loads mono audio at `sampleRate` Hz (the CLI decodes and resamples with @speechkd/audio-features). */
  loadAudio: (file: string, sampleRate: number) => Promise<Float32Array>;
  speech?: SpeechTeacher;
  /** Speech hidden-state indices to store (0 = input embedding .. numLayers). */
  speechLayers?: readonly number[];
  /** Store CTC logits when the speech teacher has a head (default true). */
  speechLogits?: boolean;
  text?: CacheTextTeacher;
  textLayers?: readonly number[];
  /** Storage of the hidden states (default float16); the same as `storage.hidden`. */
  dtype?: HiddenDType;
  /** Storage reductions: int8 hidden states, top-K logits, frame pooling, random projection (default: none). */
  storage?: Partial<StorageOptions>;
  /** This machine's part of the corpus (default 0/1). */
  shard?: ShardSpec;
  /** Commit a chunk after this many utterances (default 64) ... */
  chunkUtterances?: number;
  /** ... or once its data passes this many bytes (default 64 MiB). */
  chunkBytes?: number;
  /** Utterances per text-teacher batch (default 16). */
  textBatch?: number;
  onProgress?: (p: BuildProgress) => void;
  /** Heartbeat of the shard lock (default 10 s); a writer whose heartbeat stands still for `lockStaleMs` (default 6 beats) is taken for dead. */
  lockHeartbeatMs?: number;
  lockStaleMs?: number;
  /** Told while this build waits for another live writer of the same shard. */
  onLockWait?: (holder: LockHolder, waitedMs: number) => void;
  /** Notes worth a line (a damaged chunk of this shard found on resume, removed and recomputed). */
  log?: (line: string) => void;
  /** Merge into the canonical layout at the end of a one-shard build (default true) ... */
  merge?: boolean;
  /** ... with this many utterances per merged chunk (default 64, as `speechkd-cache merge`). */
  mergeChunkUtterances?: number;
}

/** Summary of one `buildTeacherCache` run. */
export interface BuildCacheResult {
  header: CacheHeader;
  shard: ShardSpec;
  /** Utterances in this shard. */
  total: number;
  /** Already in the cache before this run (not recomputed). */
  skipped: number;
  computed: number;
  chunksWritten: number;
  bytesWritten: number;
  audioSeconds: number;
  elapsedSeconds: number;
  /** Where the time went (seconds): waiting for decoded audio, the speech teacher, the text teacher, encoding + writing. */
  timing: { load: number; speech: number; text: number; write: number };
  /** The merge that ended a one-shard build, or null. */
  merged: MergeCacheResult | null;
  /** This build's writer id (in its chunk file names). */
  writer: string;
  /** True when another writer took this shard's lock over while this build ran (it judged this one dead). */
  lockLost: boolean;
}

function checkLayers(what: string, layers: readonly number[], numLayers: number): number[] {
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l > numLayers) {
      throw new TeachersArgumentError(`${what} layer ${l} does not exist: the teacher has hidden states 0..${numLayers}`);
    }
  }
  return [...new Set(layers)].sort((a, b) => a - b);
}

/** Header describing what a build with these teachers and options stores. */
export function headerFor(opts: Pick<BuildCacheOptions, 'speech' | 'speechLayers' | 'speechLogits' | 'text' | 'textLayers' | 'dtype' | 'storage'>): CacheHeader {
  const storage = resolveStorage({ ...opts.storage, ...(opts.dtype ? { hidden: opts.dtype } : {}) });
  const sp = opts.speech;
  const speech: SpeechCacheKey | null = sp
    ? speechKeyFor(sp, checkLayers('speech', opts.speechLayers ?? [sp.numLayers], sp.numLayers), opts.speechLogits ?? true, storage)
    : null;
  const tx = opts.text;
  const text: TextCacheKey | null = tx
    ? { name: tx.name, fingerprint: tx.fingerprint, layers: checkLayers('text', opts.textLayers ?? [tx.numLayers], tx.numLayers), dim: tx.dim, numLayers: tx.numLayers }
    : null;
  if (!speech && !text) throw new TeachersArgumentError('give at least one teacher (--speech-teacher or --text-teacher)');
  return makeHeader(storage.hidden, speech, text);
}

/** Ids committed anywhere in the cache whose records of this shard check out, and the next free chunk number of its folder. */
function scanDone(dir: string, shard: ShardSpec, log?: (line: string) => void): { done: Set<string>; nextSeq: number } {
  const shardRel = shardDirName(shard);
  const done = new Set<string>();
  let nextSeq = 0;
  for (const c of listChunkIndexes(dir)) {
    const where = path.join(dir, c.file);
    const entries = parseIndex(fs.readFileSync(where, 'utf8'), where).entries;
    const own = c.file.startsWith(`${shardRel}/`);
    if (own) nextSeq = Math.max(nextSeq, c.seq + 1);
    // A resumed build reuses only records it has checked: this shard's, wherever a chunk holds them (other
    // shards' records are theirs to check, so a shard reads about its own share of the cache).
    const bad = firstBadRecord(dir, own ? entries : entries.filter((e) => shardOfId(e.id, shard.count) === shard.index));
    if (bad && own) {
      // This writer's shard folder: drop the chunk (index first, so a crash in between leaves no index without data) and recompute its utterances.
      const data = path.join(dir, bad.file);
      fs.rmSync(where, { force: true });
      fs.rmSync(data, { force: true });
      log?.(`${where}: ${bad.problem}; the chunk is removed and its ${entries.length} utterances are computed again`);
      continue;
    }
    if (bad) {
      throw new CacheChecksumError(
        `${path.join(dir, bad.file)}: ${bad.problem} (index ${where}); the cache is damaged outside this shard's folder: ` +
          'delete that chunk and its .index.jsonl (or the whole data-<n> folder), rerun `speechkd-cache build` for the affected shards, then merge',
      );
    }
    for (const e of entries) done.add(e.id);
  }
  return { done, nextSeq };
}

/** The first record of `entries` whose bytes do not match its index (length or CRC32), with the problem in words. */
function firstBadRecord(dir: string, entries: readonly IndexEntry[]): { file: string; problem: string } | null {
  const fds = new Map<string, number>();
  try {
    for (const e of entries) {
      const file = path.join(dir, e.file);
      let fd = fds.get(file);
      if (fd === undefined) {
        if (!fs.existsSync(file)) return { file: e.file, problem: `data file missing (utterance "${e.id}")` };
        fd = fs.openSync(file, 'r');
        fds.set(file, fd);
      }
      const bytes = Buffer.alloc(e.length);
      const got = fs.readSync(fd, bytes, 0, e.length, e.offset);
      if (got !== e.length) return { file: e.file, problem: `record of utterance "${e.id}" cut short (${got} of ${e.length} bytes at byte ${e.offset})` };
      const sum = crc32(bytes);
      if (sum !== e.crc32) return { file: e.file, problem: `checksum mismatch for utterance "${e.id}" at byte ${e.offset} (crc32 ${sum} != ${e.crc32})` };
    }
    return null;
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
}

/**
 * Runs the teachers once over this shard's utterances (in id order) and appends their outputs to the cache in
 * `outDir`. Resumable: utterances already committed (by any shard) are skipped; a crash loses at most one chunk.
 * Another writer of the same shard (a replacement pod beside the old one) is waited for while its heartbeat
 * moves; chunk files carry the writer's id, so two writers never share a file. A one-shard build ends by
 * merging into the canonical layout (`mergeTeacherCache`); after a sharded build, merge once all shards are done.
 */
export async function buildTeacherCache(opts: BuildCacheOptions): Promise<BuildCacheResult> {
  const t0 = performance.now();
  const header = headerFor(opts);
  const shard = opts.shard ?? { index: 0, count: 1 };
  const chunkUtts = opts.chunkUtterances ?? 64;
  const chunkBytes = opts.chunkBytes ?? 64 * 2 ** 20;
  const textBatch = opts.textBatch ?? 16;
  ensureHeader(opts.outDir, header);
  const shardRel = shardDirName(shard);
  const shardDir = path.join(opts.outDir, shardRel);
  fs.mkdirSync(shardDir, { recursive: true });
  const writer = newWriterId();
  const heartbeatMs = opts.lockHeartbeatMs ?? 10_000;
  const staleMs = opts.lockStaleMs ?? 6 * heartbeatMs;
  const lock = await acquireShardLock(shardDir, writer, { heartbeatMs, staleMs, onWait: opts.onLockWait });
  const mine = opts.entries.filter((e) => shardOfId(e.id, shard.count) === shard.index);
  const result: BuildCacheResult = {
    header, shard, total: mine.length, skipped: 0, computed: 0, chunksWritten: 0, bytesWritten: 0, audioSeconds: 0, elapsedSeconds: 0,
    timing: { load: 0, speech: 0, text: 0, write: 0 }, merged: null, writer, lockLost: false,
  };
  const floatType = floatTypeOf(header.dtype);
  const speechOut = header.speech ? new SpeechTensorWriter(header.speech, header.dtype) : null;
  const tm = result.timing;
  const since = (t: number): number => (performance.now() - t) / 1000;
  let chunk: ChunkWriter | undefined;
  try {
    cleanShardDir(shardDir, [writer, ...(lock.tookOverFrom ? [lock.tookOverFrom.writer] : [])], staleMs);
    const { done, nextSeq } = scanDone(opts.outDir, shard, opts.log);
    // Id order: a fresh one-shard build with the merge's chunk size writes the merged chunks as they are (linked, not copied).
    const todo = mine.filter((e) => !done.has(e.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    result.skipped = mine.length - todo.length;
    if (todo.length) fs.rmSync(path.join(opts.outDir, MERGED_INDEX_FILE), { force: true }); // stale once chunks are added
    let seq = nextSeq;
    const report = (): void =>
      opts.onProgress?.({ done: result.skipped + result.computed, total: mine.length, audioSeconds: result.audioSeconds, elapsedSeconds: (performance.now() - t0) / 1000 });
    report();
    // Audio of the next utterance decodes while the teacher runs (overlaps for async teachers such as ONNX Runtime).
    const pendingAudio = new Map<number, Promise<Float32Array>>();
    const audioAt = (k: number): Promise<Float32Array> | undefined => {
      if (!opts.speech || k >= todo.length) return undefined;
      let p = pendingAudio.get(k);
      if (!p) {
        p = opts.loadAudio(todo[k].audio, opts.speech.sampleRate);
        p.catch(() => undefined); // a lookahead failure surfaces when that utterance is awaited
        pendingAudio.set(k, p);
      }
      return p;
    };
    for (let b = 0; b < todo.length; b += textBatch) {
      const batch = todo.slice(b, b + textBatch);
      let t = performance.now();
      const texts = header.text && opts.text ? await opts.text.encode(batch.map((e) => e.text), header.text.layers) : [];
      tm.text += since(t);
      for (let j = 0; j < batch.length; j++) {
        const e = batch[j];
        const tensors: TensorInput[] = [];
        let duration = e.duration ?? 0;
        if (header.speech && opts.speech) {
          const sp = opts.speech;
          t = performance.now();
          const samples = await audioAt(b + j)!;
          pendingAudio.delete(b + j);
          audioAt(b + j + 1);
          tm.load += since(t);
          duration = samples.length / sp.sampleRate;
          t = performance.now();
          const out = await sp.extract(samples, { layers: header.speech.layers, logits: header.speech.logits });
          tm.speech += since(t);
          tensors.push(...speechOut!.tensors(e.id, out));
        }
        t = performance.now();
        if (header.text) tensors.push(...textTensors(e.id, header.text, texts[j], header.dtype));
        chunk ??= new ChunkWriter(shardDir, shardRel, seq++, header.fingerprint, writer);
        chunk.append(e.id, duration, encodeRecord(tensors, floatType));
        result.computed++;
        result.audioSeconds += duration;
        if (chunk.count >= chunkUtts || chunk.size >= chunkBytes) {
          result.bytesWritten += chunk.size;
          chunk.commit();
          result.chunksWritten++;
          chunk = undefined;
        }
        tm.write += since(t);
        report();
      }
    }
    if (chunk) {
      const t = performance.now();
      result.bytesWritten += chunk.size;
      chunk.commit();
      tm.write += since(t);
      result.chunksWritten++;
      chunk = undefined;
    }
  } catch (err) {
    chunk?.abort();
    throw err;
  } finally {
    result.lockLost = lock.lost();
    lock.release();
  }
  if (shard.count === 1 && opts.merge !== false) result.merged = await mergeTeacherCache(opts.outDir, { chunkUtterances: opts.mergeChunkUtterances, staleMs });
  result.elapsedSeconds = (performance.now() - t0) / 1000;
  return result;
}
