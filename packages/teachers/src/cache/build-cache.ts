import fs from 'node:fs';
import path from 'node:path';
import { TeachersArgumentError } from '../errors.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { cleanShardDir, listChunkIndexes, lockShardDir, parseIndex } from './chunk-files.js';
import { ChunkWriter } from './chunk-writer.js';
import { MERGED_INDEX_FILE, SPEECH_LOGITS, TEXT_IDS, makeHeader, speechHiddenName, textHiddenName } from './format.js';
import type { CacheHeader, FloatDType, SpeechCacheKey, TextCacheKey } from './format.js';
import { ensureHeader } from './header.js';
import { mergeCacheIndex } from './merge-index.js';
import { shardDirName, shardOfId } from './partition.js';
import type { ShardSpec } from './partition.js';
import { encodeRecord } from './record.js';
import type { TensorInput } from './record.js';

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
  /** Float storage type (default float16). */
  dtype?: FloatDType;
  /** This machine's part of the corpus (default 0/1). */
  shard?: ShardSpec;
  /** Commit a chunk after this many utterances (default 64) ... */
  chunkUtterances?: number;
  /** ... or once its data passes this many bytes (default 64 MiB). */
  chunkBytes?: number;
  /** Utterances per text-teacher batch (default 16). */
  textBatch?: number;
  onProgress?: (p: BuildProgress) => void;
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
export function headerFor(opts: Pick<BuildCacheOptions, 'speech' | 'speechLayers' | 'speechLogits' | 'text' | 'textLayers' | 'dtype'>): CacheHeader {
  const sp = opts.speech;
  const speech: SpeechCacheKey | null = sp
    ? {
        name: sp.name, fingerprint: sp.fingerprint,
        layers: checkLayers('speech', opts.speechLayers ?? [sp.numLayers], sp.numLayers),
        logits: (opts.speechLogits ?? true) && sp.vocabSize !== null,
        frameRate: sp.frameRate, dim: sp.dim, numLayers: sp.numLayers, vocabSize: sp.vocabSize,
      }
    : null;
  const tx = opts.text;
  const text: TextCacheKey | null = tx
    ? { name: tx.name, fingerprint: tx.fingerprint, layers: checkLayers('text', opts.textLayers ?? [tx.numLayers], tx.numLayers), dim: tx.dim, numLayers: tx.numLayers }
    : null;
  if (!speech && !text) throw new TeachersArgumentError('give at least one teacher (--speech-teacher or --text-teacher)');
  return makeHeader(opts.dtype ?? 'float16', speech, text);
}

/** Ids already committed anywhere in the cache, and the next free chunk number of `shardRel`. */
function scanDone(dir: string, shardRel: string): { done: Set<string>; nextSeq: number } {
  const done = new Set<string>();
  let nextSeq = 0;
  for (const c of listChunkIndexes(dir)) {
    const where = path.join(dir, c.file);
    for (const e of parseIndex(fs.readFileSync(where, 'utf8'), where).entries) done.add(e.id);
    if (c.file.startsWith(`${shardRel}/`)) nextSeq = Math.max(nextSeq, c.seq + 1);
  }
  return { done, nextSeq };
}

/**
 * Runs the teachers once over this shard's utterances and appends their outputs to the cache in `outDir`.
 * Resumable: utterances already committed (by any shard) are skipped; a crash loses at most one chunk.
 * With a single shard the merged index is rewritten at the end; otherwise run `mergeCacheIndex` after all shards.
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
  const unlock = lockShardDir(shardDir);
  const mine = opts.entries.filter((e) => shardOfId(e.id, shard.count) === shard.index);
  const result: BuildCacheResult = {
    header, shard, total: mine.length, skipped: 0, computed: 0, chunksWritten: 0, bytesWritten: 0, audioSeconds: 0, elapsedSeconds: 0,
    timing: { load: 0, speech: 0, text: 0, write: 0 },
  };
  const tm = result.timing;
  const since = (t: number): number => (performance.now() - t) / 1000;
  let writer: ChunkWriter | undefined;
  try {
    cleanShardDir(shardDir);
    const { done, nextSeq } = scanDone(opts.outDir, shardRel);
    const todo = mine.filter((e) => !done.has(e.id));
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
          for (const l of header.speech.layers) {
            const h = out.hiddenStates[l];
            if (!h) throw new TeachersArgumentError(`speech teacher ${sp.name} returned no hidden state ${l} for "${e.id}"`);
            tensors.push({ name: speechHiddenName(l), data: h, shape: [out.numFrames, out.dim] });
          }
          if (header.speech.logits && out.logits) {
            tensors.push({ name: SPEECH_LOGITS, data: out.logits, shape: [out.numFrames, out.logits.length / out.numFrames] });
          }
        }
        if (header.text) {
          const t = texts[j];
          tensors.push({ name: TEXT_IDS, data: t.ids, shape: [t.ids.length] });
          for (const l of header.text.layers) {
            const h = t.hiddenStates[l];
            if (!h) throw new TeachersArgumentError(`text teacher ${header.text.name} returned no hidden state ${l} for "${e.id}"`);
            tensors.push({ name: textHiddenName(l), data: h, shape: [t.ids.length, header.text.dim] });
          }
        }
        t = performance.now();
        writer ??= new ChunkWriter(shardDir, shardRel, seq++, header.fingerprint);
        writer.append(e.id, duration, encodeRecord(tensors, header.dtype));
        result.computed++;
        result.audioSeconds += duration;
        if (writer.count >= chunkUtts || writer.size >= chunkBytes) {
          result.bytesWritten += writer.size;
          writer.commit();
          result.chunksWritten++;
          writer = undefined;
        }
        tm.write += since(t);
        report();
      }
    }
    if (writer) {
      const t = performance.now();
      result.bytesWritten += writer.size;
      writer.commit();
      tm.write += since(t);
      result.chunksWritten++;
      writer = undefined;
    }
  } catch (err) {
    writer?.abort();
    throw err;
  } finally {
    unlock();
  }
  if (shard.count === 1) mergeCacheIndex(opts.outDir);
  result.elapsedSeconds = (performance.now() - t0) / 1000;
  return result;
}
