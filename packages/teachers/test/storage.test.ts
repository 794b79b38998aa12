import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildTeacherCache, decodeInt8Rows, decodeTopK, encodeInt8Rows, encodeTopK, float16ToFloat32, float32ToFloat16, openTeacherCache,
  poolFrames, projectionMatrix, projectRows, resolveStorage,
} from '../src/index.js';
import type { BuildCacheOptions } from '../src/index.js';
import { FakeSpeechTeacher, FakeTextTeacher, fakeEntries, fakeLoadAudio } from './fake-teachers.js';

const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-storage-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Deterministic values in [-1, 1) times `scale`. */
function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

describe('storage encodings', () => {
  it('int8 rows: one scale per row, |error| <= scale / 2, zero rows stay zero', () => {
    const rows = 7;
    const cols = 33;
    const x = values(rows * cols, 1, 40);
    x.fill(0, 2 * cols, 3 * cols); // a silent frame
    x[5 * cols + 4] = 900; // an outlier sets its row's scale only
    const bytes = encodeInt8Rows(x, rows, cols);
    expect(bytes.byteLength).toBe(4 * rows + rows * cols);
    const y = decodeInt8Rows(bytes, rows, cols);
    for (let r = 0; r < rows; r++) {
      const max = Math.max(...x.subarray(r * cols, (r + 1) * cols).map(Math.abs));
      for (let c = 0; c < cols; c++) expect(Math.abs(y[r * cols + c] - x[r * cols + c])).toBeLessThanOrEqual((max / 127) * 0.5 + 1e-6 * max);
    }
    expect(y.subarray(2 * cols, 3 * cols).every((v) => v === 0)).toBe(true);
  });

  it('top-K logits: the K classes keep their log-probabilities (float16), the rest share the remaining mass', () => {
    const frames = 5;
    const vocab = 32;
    const k = 4;
    const z = values(frames * vocab, 3, 8);
    const bytes = encodeTopK(z, frames, vocab, k, float32ToFloat16);
    expect(bytes.byteLength).toBe(2 * frames + 4 * frames * k);
    const lp = decodeTopK(bytes, frames, vocab, k, float16ToFloat32);
    for (let f = 0; f < frames; f++) {
      const row = Array.from(z.subarray(f * vocab, (f + 1) * vocab));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      const order = row.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
      for (const i of order.slice(0, k)) expect(Math.abs(lp[f * vocab + i] - (row[i] - lse))).toBeLessThanOrEqual(Math.abs(row[i] - lse) * 2 ** -10 + 1e-6);
      const tail = order.slice(k).map((i) => lp[f * vocab + i]);
      expect(new Set(tail).size).toBe(1);
      const total = Array.from(lp.subarray(f * vocab, (f + 1) * vocab)).reduce((a, v) => a + Math.exp(v), 0);
      expect(total).toBeCloseTo(1, 2);
    }
    expect(() => encodeTopK(z, frames, vocab, vocab, float32ToFloat16)).toThrow(/--logits-top-k 32: must be below the teacher's 32 classes/);
  });

  it('pooling averages consecutive frames (a short last group too); projection is a seeded matrix product', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // [5, 2]
    expect(Array.from(poolFrames(x, 5, 2, 2))).toEqual([2, 3, 6, 7, 9, 10]);
    expect(poolFrames(x, 5, 2, 1)).toBe(x);
    const m = projectionMatrix(6, 3, 9);
    expect(projectionMatrix(6, 3, 9)).toEqual(m);
    expect(projectionMatrix(6, 3, 10)).not.toEqual(m);
    const h = values(4 * 6, 5);
    const p = projectRows(h, 4, 6, m, 3);
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < 3; j++) {
        let want = 0;
        for (let d = 0; d < 6; d++) want += h[r * 6 + d] * m[d * 3 + j];
        expect(p[r * 3 + j]).toBeCloseTo(want, 5);
      }
    }
    // N(0, 1/outDim) entries keep squared lengths in expectation: over many random rows the ratio is near 1.
    const big = projectionMatrix(256, 128, 1);
    const rows = values(200 * 256, 7);
    const pr = projectRows(rows, 200, 256, big, 128);
    const ratio = pr.reduce((a, v) => a + v * v, 0) / rows.reduce((a, v) => a + v * v, 0);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  it('the projection gives the bytes of the plain row-by-row float32 product, zeros and a short last block included', () => {
    const dim = 40;
    const outDim = 24;
    const rows = 11; // two blocks of four and three rows after them
    const m = projectionMatrix(dim, outDim, 3);
    const h = values(rows * dim, 11);
    for (const i of [5, 2 * dim + 7, 9 * dim]) h[i] = 0; // zeros are skipped (a -0 sum stays -0)
    const want = new Float32Array(rows * outDim);
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < dim; d++) {
        const x = h[r * dim + d];
        if (x === 0) continue;
        for (let j = 0; j < outDim; j++) want[r * outDim + j] += x * m[d * outDim + j];
      }
    }
    expect(Buffer.from(projectRows(h, rows, dim, m, outDim).buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });

  it('rejects bad storage settings naming the flag', () => {
    expect(() => resolveStorage({ pool: 0 })).toThrow(/--pool 0: expected an integer >= 1/);
    expect(() => resolveStorage({ logitsTopK: -1 })).toThrow(/--logits-top-k/);
    expect(() => resolveStorage({ hidden: 'int4' as never })).toThrow(/--dtype "int4": use float16, float32 or int8/);
  });
});

describe('caches with storage reductions', () => {
  const base = (outDir: string, extra: Partial<BuildCacheOptions> = {}): BuildCacheOptions => ({
    entries: fakeEntries(6), outDir, loadAudio: fakeLoadAudio, speech: new FakeSpeechTeacher(8, 3), speechLayers: [1, 3],
    text: new FakeTextTeacher(), textLayers: [2], chunkUtterances: 4, ...extra,
  });

  it('int8 + pool 2 + projection 4 + top-2 logits: header says what is stored; values follow the teacher\'s', async () => {
    const [full, small] = [tmpDir(), tmpDir()];
    await buildTeacherCache(base(full, { dtype: 'float32' }));
    const r = await buildTeacherCache(base(small, { storage: { hidden: 'int8', pool: 2, projectDim: 4, projectSeed: 3, logitsTopK: 2 } }));
    const [a, b] = [await openTeacherCache(full), await openTeacherCache(small)];
    expect(b.header.version).toBe(2);
    expect(b.header.dtype).toBe('int8');
    expect(b.header.speech).toMatchObject({ frameRate: 25, dim: 4, storage: { pool: 2, teacherFrameRate: 50, projection: { teacherDim: 8, seed: 3 }, logitsTopK: 2 } });
    expect(a.header.speech!.storage).toBeUndefined();
    const m = projectionMatrix(8, 4, 3);
    let bytesA = 0;
    let bytesB = 0;
    for (const id of a.ids()) {
      const [x, y] = [await a.get(id), await b.get(id)];
      bytesA += a.entry(id)!.length;
      bytesB += b.entry(id)!.length;
      const t = x.speech!.layers.get(3)!;
      const frames = t.shape[0];
      const want = projectRows(poolFrames(t.data as Float32Array, frames, 8, 2), Math.ceil(frames / 2), 8, m, 4);
      const got = y.speech!.layers.get(3)!;
      expect(got.shape).toEqual([Math.ceil(frames / 2), 4]);
      expect(got.storedDType).toBe('int8-rows');
      for (let f = 0; f < got.shape[0]; f++) {
        const row = want.subarray(f * 4, f * 4 + 4);
        const max = Math.max(...row.map(Math.abs));
        for (let j = 0; j < 4; j++) expect(Math.abs(got.data[f * 4 + j] - row[j])).toBeLessThanOrEqual(max / 254 + 1e-6 * max);
      }
      expect(y.speech!.logits!.shape).toEqual([Math.ceil(frames / 2), 5]);
      expect(y.speech!.logits!.storedDType).toBe('topk');
      expect(y.text!.layers.get(2)!.storedDType).toBe('int8-rows');
      expect(Array.from(y.text!.ids)).toEqual(Array.from(x.text!.ids));
    }
    expect(bytesB).toBeLessThan(bytesA / 3);
    expect(r.header.fingerprint).not.toBe(a.header.fingerprint);
    await Promise.all([a.close(), b.close()]);
  });

  it('a teacher\'s CTC labels go into the header (KD maps them onto the students\' characters)', async () => {
    const out = tmpDir();
    const teacher = Object.assign(new FakeSpeechTeacher(8, 3), { vocab: ['<pad>', '|', 'A', 'B', "'"] });
    await buildTeacherCache(base(out, { speech: teacher, text: undefined }));
    const cache = await openTeacherCache(out);
    expect(cache.header.speech!.vocab).toEqual(['<pad>', '|', 'A', 'B', "'"]);
    await cache.close();
  });
});
