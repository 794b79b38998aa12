import { crc32 } from 'node:zlib';
import { CacheChecksumError, CacheFormatError } from '../errors.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import type { FloatDType, IndexEntry, StoredDType, TensorEntry } from './format.js';
import { decodeInt8Rows, decodeTopK, encodeInt8Rows, encodeTopK } from './storage.js';

/** A tensor to store: row-major data and its shape. */
export interface TensorInput {
  name: string;
  data: Float32Array | Int32Array;
  shape: number[];
  /** Store a float tensor as `int8-rows` (per-row scale) or as `topk` (`[frames, vocab]` logits, `k` classes) instead of the record's float type. */
  as?: 'int8-rows' | 'topk';
  /** Classes kept per frame with `as: 'topk'`. */
  k?: number;
}

/** A decoded tensor: float tensors come back as Float32Array whatever their stored type. */
export interface DecodedTensor {
  name: string;
  /** The type it was stored as. */
  storedDType: StoredDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Encoded record bytes with the tensor table and checksum for the index. */
export interface EncodedRecord {
  bytes: Uint8Array;
  tensors: TensorEntry[];
  crc32: number;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Packs tensors into one record; floats as `dtype`, ints as int32; every tensor starts 4-byte aligned. */
export function encodeRecord(inputs: readonly TensorInput[], dtype: FloatDType): EncodedRecord {
  const parts: Uint8Array[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const t of inputs) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new CacheFormatError(`tensor "${t.name}": shape [${t.shape.join(', ')}] holds ${size} values but data has ${t.data.length}`);
    }
    let stored: StoredDType;
    let view: Uint8Array;
    const rows = t.shape[0] ?? 1;
    const cols = rows > 0 ? size / rows : 0;
    if (t.data instanceof Int32Array) {
      stored = 'int32';
      view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    } else if (t.as === 'int8-rows') {
      stored = 'int8-rows';
      view = encodeInt8Rows(t.data, rows, cols);
    } else if (t.as === 'topk') {
      if (t.shape.length !== 2 || !t.k) throw new CacheFormatError(`tensor "${t.name}": top-k storage needs [frames, vocab] logits and k`);
      stored = 'topk';
      view = encodeTopK(t.data, rows, cols, t.k, float32ToFloat16);
    } else if (dtype === 'float16') {
      stored = 'float16';
      const h = float32ToFloat16(t.data);
      view = new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
    } else {
      stored = 'float32';
      view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    tensors.push({ name: t.name, dtype: stored, shape: [...t.shape], offset, bytes: view.byteLength, ...(stored === 'topk' ? { k: t.k } : {}) });
    parts.push(view);
    offset = align4(offset + view.byteLength);
  }
  const bytes = new Uint8Array(offset);
  for (let i = 0; i < parts.length; i++) bytes.set(parts[i], tensors[i].offset);
  return { bytes, tensors, crc32: crc32(bytes) };
}

/** Verifies the record's CRC32 against the index and decodes its tensors; `bytes` must start 4-byte aligned. */
export function decodeRecord(bytes: Uint8Array, entry: IndexEntry, where: string): DecodedTensor[] {
  if (bytes.byteLength !== entry.length) {
    throw new CacheChecksumError(`${where}: record of "${entry.id}" is ${bytes.byteLength} bytes, index says ${entry.length} (truncated file?)`);
  }
  const sum = crc32(bytes);
  if (sum !== entry.crc32) {
    throw new CacheChecksumError(
      `${where}: checksum mismatch for utterance "${entry.id}" at byte ${entry.offset} (crc32 ${sum} != ${entry.crc32}); ` +
        'the file is corrupt: delete it and its .index.jsonl, then rerun `speechkd-cache build` to recompute it',
    );
  }
  if (bytes.byteOffset % 4 !== 0) throw new CacheFormatError(`${where}: internal: record buffer is not 4-byte aligned`);
  return entry.tensors.map((t) => {
    const start = bytes.byteOffset + t.offset;
    const n = t.shape.reduce((a, b) => a * b, 1);
    const rows = t.shape[0] ?? 1;
    let data: Float32Array | Int32Array;
    if (t.dtype === 'float16') data = float16ToFloat32(new Uint16Array(bytes.buffer, start, n));
    else if (t.dtype === 'float32') data = new Float32Array(bytes.buffer, start, n);
    else if (t.dtype === 'int32') data = new Int32Array(bytes.buffer, start, n);
    else if (t.dtype === 'int8-rows') data = decodeInt8Rows(new Uint8Array(bytes.buffer, start, t.bytes), rows, rows > 0 ? n / rows : 0);
    else if (t.dtype === 'topk') data = decodeTopK(new Uint8Array(bytes.buffer, start, t.bytes), rows, t.shape[1], t.k ?? 0, float16ToFloat32);
    else throw new CacheFormatError(`${where}: tensor "${t.name}" of "${entry.id}" has unknown dtype "${String(t.dtype)}"`);
    return { name: t.name, storedDType: t.dtype, shape: t.shape, data };
  });
}
