import { crc32 } from 'node:zlib';
import { CacheChecksumError, CacheFormatError } from '../errors.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import type { FloatDType, IndexEntry, StoredDType, TensorEntry } from './format.js';

/** A tensor to store: row-major data and its shape. */
export interface TensorInput {
  name: string;
  data: Float32Array | Int32Array;
  shape: number[];
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
    if (t.data instanceof Int32Array) {
      stored = 'int32';
      view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    } else if (dtype === 'float16') {
      stored = 'float16';
      const h = float32ToFloat16(t.data);
      view = new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
    } else {
      stored = 'float32';
      view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    tensors.push({ name: t.name, dtype: stored, shape: [...t.shape], offset, bytes: view.byteLength });
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
    let data: Float32Array | Int32Array;
    if (t.dtype === 'float16') data = float16ToFloat32(new Uint16Array(bytes.buffer, start, n));
    else if (t.dtype === 'float32') data = new Float32Array(bytes.buffer, start, n);
    else if (t.dtype === 'int32') data = new Int32Array(bytes.buffer, start, n);
    else throw new CacheFormatError(`${where}: tensor "${t.name}" of "${entry.id}" has unknown dtype "${String(t.dtype)}"`);
    return { name: t.name, storedDType: t.dtype, shape: t.shape, data };
  });
}
