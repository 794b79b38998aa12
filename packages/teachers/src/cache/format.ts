import { createHash } from 'node:crypto';

/** Value of the `format` field of `cache.json`. */
export const CACHE_FORMAT = 'speechkd-teacher-cache';
/** Version of the on-disk layout described in the package README (written by this package). */
export const CACHE_VERSION = 2;
/** Versions this package reads: 1 (float16/float32, shard folders only) is a subset of 2. */
export const READABLE_CACHE_VERSIONS: readonly number[] = [1, 2];
/** Name of the cache header file inside a cache directory. */
export const HEADER_FILE = 'cache.json';
/** Name of the merged index written by the `index` step. */
export const MERGED_INDEX_FILE = 'index.jsonl';

/**
 * Element type of a stored tensor: `int8-rows` = float32 scale per row then int8 values (`x ≈ q * scale`),
 * `topk` = the K most likely classes per frame as float16 log-probabilities (see `encodeTopK`).
 */
export type StoredDType = 'float16' | 'float32' | 'int32' | 'int8-rows' | 'topk';
/** Storage type for floating-point tensors of a cache. */
export type FloatDType = 'float16' | 'float32';
/** Storage type of a cache's hidden states (`cache.json` `dtype`); logits of an int8 cache are float16. */
export type HiddenDType = FloatDType | 'int8';

/** Where one tensor of a record lies: byte `offset` relative to the record start, `bytes` long. */
export interface TensorEntry {
  /** e.g. `speech.hidden.8`, `speech.logits`, `text.hidden.4`, `text.ids`. */
  name: string;
  dtype: StoredDType;
  /** Row-major shape, e.g. `[frames, dim]`. */
  shape: number[];
  offset: number;
  bytes: number;
  /** Classes kept per frame (`topk` only). */
  k?: number;
}

/** One utterance of an index: its record's location in a data file and the CRC32 of the record bytes. */
export interface IndexEntry {
  id: string;
  /** Data file path relative to the cache directory. */
  file: string;
  offset: number;
  length: number;
  crc32: number;
  /** Audio duration in seconds (as decoded). */
  duration: number;
  tensors: TensorEntry[];
}

/** What was cached from the speech teacher, and which teacher it was. */
export interface SpeechCacheKey {
  name: string;
  /** The teacher's fingerprint (weights hash + config). */
  fingerprint: string;
  /** Hidden-state indices stored (0 = encoder input embedding, L = output of layer L). */
  layers: number[];
  logits: boolean;
  /** Frames per second of every stored speech tensor. */
  frameRate: number;
  dim: number;
  numLayers: number;
  vocabSize: number | null;
  /** CTC labels of the logits by class index (a teacher's `vocab.json`), when the teacher has them; absent = the students' character vocabulary. */
  vocab?: string[];
  /** How speech tensors were reduced before storing; absent = as the teacher returned them. */
  storage?: SpeechStorageKey;
}

/** Reductions of stored speech tensors (v2). `frameRate` and `dim` of the key are the stored ones. */
export interface SpeechStorageKey {
  /** Teacher frames averaged per stored frame. */
  pool: number;
  /** The teacher's own frame rate (frames/s). */
  teacherFrameRate: number;
  /** Random projection of the hidden states from the teacher's `teacherDim` (seeded Gaussian, `projectionMatrix`), or null. */
  projection: { teacherDim: number; seed: number } | null;
  /** Classes kept per frame of the logits (0 = all). */
  logitsTopK: number;
}

/** What was cached from the text teacher, and which teacher it was. */
export interface TextCacheKey {
  name: string;
  fingerprint: string;
  layers: number[];
  dim: number;
  numLayers: number;
}

/** Contents of `cache.json`: everything that determines the cached values. */
export interface CacheHeader {
  format: typeof CACHE_FORMAT;
  version: number;
  dtype: HiddenDType;
  speech: SpeechCacheKey | null;
  text: TextCacheKey | null;
  /** sha1 of the canonical JSON of dtype + speech + text keys. */
  fingerprint: string;
}

/** First line of every chunk index and of the merged index. */
export interface IndexHeaderLine {
  header: { format: typeof CACHE_FORMAT; version: number; fingerprint: string };
}

/** Builds a header and its combined fingerprint. */
export function makeHeader(dtype: HiddenDType, speech: SpeechCacheKey | null, text: TextCacheKey | null): CacheHeader {
  const fingerprint = createHash('sha1').update(JSON.stringify({ dtype, speech, text })).digest('hex');
  return { format: CACHE_FORMAT, version: CACHE_VERSION, dtype, speech, text, fingerprint };
}

/** Tensor name of a speech hidden state. */
export const speechHiddenName = (layer: number): string => `speech.hidden.${layer}`;
/** Tensor name of a text hidden state. */
export const textHiddenName = (layer: number): string => `text.hidden.${layer}`;
/** Tensor name of the speech teacher's CTC logits. */
export const SPEECH_LOGITS = 'speech.logits';
/** Tensor name of the text teacher's token ids. */
export const TEXT_IDS = 'text.ids';
