import { createHash } from 'node:crypto';

/** Value of the `format` field of `cache.json`. */
export const CACHE_FORMAT = 'speechkd-teacher-cache';
/** Version of the on-disk layout described in the package README. */
export const CACHE_VERSION = 1;
/** Name of the cache header file inside a cache directory. */
export const HEADER_FILE = 'cache.json';
/** Name of the merged index written by the `index` step. */
export const MERGED_INDEX_FILE = 'index.jsonl';

/** Element type of a stored tensor. */
export type StoredDType = 'float16' | 'float32' | 'int32';
/** Storage type for floating-point tensors of a cache. */
export type FloatDType = 'float16' | 'float32';

/** Where one tensor of a record lies: byte `offset` relative to the record start, `bytes` long. */
export interface TensorEntry {
  /** e.g. `speech.hidden.8`, `speech.logits`, `text.hidden.4`, `text.ids`. */
  name: string;
  dtype: StoredDType;
  /** Row-major shape, e.g. `[frames, dim]`. */
  shape: number[];
  offset: number;
  bytes: number;
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
  dtype: FloatDType;
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
export function makeHeader(dtype: FloatDType, speech: SpeechCacheKey | null, text: TextCacheKey | null): CacheHeader {
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
