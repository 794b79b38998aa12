import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CacheChecksumError, CacheFingerprintError, CacheLockedError, CacheMissError, acquireShardLock, buildTeacherCache, mergeCacheIndex,
  openTeacherCache, padCachedBatch, shardOfId,
} from '../src/index.js';
import type { BuildCacheOptions } from '../src/index.js';
import { FakeSpeechTeacher, FakeTextTeacher, fakeEntries, fakeLoadAudio } from './fake-teachers.js';

const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const base = (outDir: string, extra: Partial<BuildCacheOptions> = {}): BuildCacheOptions => ({
  entries: fakeEntries(12), outDir, loadAudio: fakeLoadAudio, speech: new FakeSpeechTeacher(), speechLayers: [1, 3],
  text: new FakeTextTeacher(), textLayers: [0, 2], chunkUtterances: 4, textBatch: 3, ...extra,
});

async function expected(id: string, audio: string, text: string) {
  const sp = await new FakeSpeechTeacher().extract(await fakeLoadAudio(audio, 16000));
  const [tx] = await new FakeTextTeacher().encode([text]);
  return { sp, tx };
}

describe('teacher cache', () => {
  it('round-trips float32 exactly, with shapes, ids and logits', async () => {
    const out = tmpDir();
    const res = await buildTeacherCache(base(out, { dtype: 'float32' }));
    expect(res).toMatchObject({ total: 12, computed: 12, skipped: 0, chunksWritten: 3 });
    const cache = await openTeacherCache(out);
    expect(cache.size).toBe(12);
    for (const e of fakeEntries(12)) {
      const got = await cache.get(e.id);
      const { sp, tx } = await expected(e.id, e.audio, e.text);
      expect([...got.speech!.layers.keys()]).toEqual([1, 3]);
      expect(got.speech!.layers.get(3)!.shape).toEqual([sp.numFrames, 6]);
      expect(got.speech!.layers.get(3)!.data).toEqual(sp.hiddenStates[3]);
      expect(got.speech!.layers.get(1)!.data).toEqual(sp.hiddenStates[1]);
      expect(got.speech!.logits!.data).toEqual(sp.logits);
      expect(got.speech!.frameRate).toBe(50);
      expect(got.text!.ids).toEqual(tx.ids);
      expect(got.text!.layers.get(2)!.data).toEqual(tx.hiddenStates[2]);
      expect(got.duration).toBeCloseTo((sp.numFrames * 320 + 0) / 16000, 1);
    }
    await cache.close();
  });

  it('float16 by default: relative error <= 2^-11 (normal range), int ids exact', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out));
    const cache = await openTeacherCache(out);
    expect(cache.header.dtype).toBe('float16');
    const e = fakeEntries(12)[5];
    const got = await cache.get(e.id);
    const { sp, tx } = await expected(e.id, e.audio, e.text);
    const ref = sp.hiddenStates[3]!;
    const h = got.speech!.layers.get(3)!;
    expect(h.storedDType).toBe('float16');
    for (let i = 0; i < ref.length; i++) {
      const a = Math.abs(ref[i]);
      expect(Math.abs(h.data[i] - ref[i])).toBeLessThanOrEqual(a >= 2 ** -14 ? a * 2 ** -11 : 2 ** -25);
    }
    expect(got.text!.ids).toEqual(tx.ids);
    await cache.close();
  });

  it('--shard i/N partitions deterministically; merge combines the shard indexes', async () => {
    const out = tmpDir();
    const entries = fakeEntries(30);
    const parts: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const r = await buildTeacherCache(base(out, { entries, shard: { index: i, count: 3 } }));
      parts.push(entries.filter((e) => shardOfId(e.id, 3) === i).map((e) => e.id));
      expect(r.total).toBe(parts[i].length);
      expect(r.computed).toBe(parts[i].length);
    }
    expect(parts.flat().sort()).toEqual(entries.map((e) => e.id).sort());
    expect(parts.every((p) => p.length > 0)).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['cache.json', 'shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3']);
    const merged = mergeCacheIndex(out, { expectIds: [...entries.map((e) => e.id), 'absent-1'] });
    expect(merged).toMatchObject({ utterances: 30, duplicates: [], missing: ['absent-1'] });
    const single = tmpDir();
    await buildTeacherCache(base(single, { entries }));
    const [a, b] = [await openTeacherCache(out), await openTeacherCache(single)];
    expect(a.ids()).toEqual(b.ids());
    for (const id of a.ids()) expect((await a.get(id)).speech!.layers.get(3)!.data).toEqual((await b.get(id)).speech!.layers.get(3)!.data);
    await Promise.all([a.close(), b.close()]);
  });

  it('shards built on separate machines: copying a shard folder in after a merge is still read', async () => {
    const [a, b] = [tmpDir(), tmpDir()];
    const entries = fakeEntries(10);
    await buildTeacherCache(base(a, { entries, shard: { index: 0, count: 2 } }));
    await buildTeacherCache(base(b, { entries, shard: { index: 1, count: 2 } }));
    expect(mergeCacheIndex(a).utterances).toBeLessThan(10);
    await new Promise((r) => setTimeout(r, 20)); // mtime granularity
    fs.cpSync(path.join(b, 'shard-1-of-2'), path.join(a, 'shard-1-of-2'), { recursive: true });
    const cache = await openTeacherCache(a);
    expect(cache.size).toBe(10);
    await cache.close();
  });

  it('resumes after a crash on utterance k without recomputing committed chunks', async () => {
    const out = tmpDir();
    const crashing = new FakeSpeechTeacher(6, 3, 'fake-speech-v1', 9);
    await expect(buildTeacherCache(base(out, { speech: crashing }))).rejects.toThrow(/simulated crash on call 9/);
    // Chunks of 4: utterances 0-7 committed (their files carry the writer's id), 8 was in the aborted chunk.
    const shardDir = path.join(out, 'shard-0-of-1');
    expect(fs.readdirSync(shardDir).sort().map((f) => f.replace(/\.[\w-]+(\.bin|\.index\.jsonl)$/, '.W$1'))).toEqual([
      'chunk-000000.W.bin', 'chunk-000000.W.index.jsonl', 'chunk-000001.W.bin', 'chunk-000001.W.index.jsonl',
    ]);
    // What a kill -9 of a writer on this host would leave: its temp data file, an uncommitted chunk without index, its LOCK.
    const dead = 'thishost-999999999-0badc0de';
    fs.writeFileSync(path.join(shardDir, `chunk-000002.${dead}.bin.tmp-999999999`), 'partial');
    fs.writeFileSync(path.join(shardDir, `chunk-000003.${dead}.bin`), 'uncommitted');
    fs.writeFileSync(path.join(shardDir, 'LOCK'), JSON.stringify({ writer: dead, host: os.hostname(), pid: 999999999, beat: 3, started: '' }));
    const again = new FakeSpeechTeacher();
    const r = await buildTeacherCache(base(out, { speech: again, merge: false }));
    expect(fs.readdirSync(shardDir).filter((f) => f.includes(dead) || f === 'LOCK')).toEqual([]);
    expect(r).toMatchObject({ skipped: 8, computed: 4 });
    expect(again.calls).toBe(4);
    const third = new FakeSpeechTeacher();
    expect(await buildTeacherCache(base(out, { speech: third }))).toMatchObject({ skipped: 12, computed: 0, merged: { utterances: 12, dataDir: 'data-1' } });
    expect(third.calls).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['cache.json', 'data-1', 'index.jsonl']); // merged: the shard folder is gone
    const cache = await openTeacherCache(out, { expectFingerprint: { speech: 'fake-speech-v1' } });
    expect(cache.size).toBe(12);
    const e = fakeEntries(12)[8];
    expect((await cache.get(e.id)).speech!.logits!.data.length).toBeGreaterThan(0);
    await cache.close();
  });

  it('detects a corrupted byte with a clear checksum error', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out, { dtype: 'float32' }));
    const cache = await openTeacherCache(out);
    const id = cache.ids()[2];
    const entry = cache.entry(id)!;
    const file = path.join(out, entry.file);
    const bytes = fs.readFileSync(file);
    bytes[entry.offset + 10] ^= 0x40;
    fs.writeFileSync(file, bytes);
    await expect(cache.get(id)).rejects.toThrow(CacheChecksumError);
    await expect(cache.get(id)).rejects.toThrow(new RegExp(`checksum mismatch for utterance "${id}".*corrupt`));
    await expect(cache.get('nope')).rejects.toThrow(CacheMissError);
    await cache.close();
  });

  it('refuses a fingerprint mismatch on read and on build', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out));
    await expect(openTeacherCache(out, { expectFingerprint: { speech: 'other-weights' } })).rejects.toThrow(CacheFingerprintError);
    await expect(openTeacherCache(out, { expectFingerprint: { speech: 'other-weights' } })).rejects.toThrow(/built by other teachers.*expected other-weights/);
    await expect(openTeacherCache(out, { expectFingerprint: 'deadbeef' })).rejects.toThrow(CacheFingerprintError);
    await expect(buildTeacherCache(base(out, { speech: new FakeSpeechTeacher(6, 3, 'fake-speech-v2') }))).rejects.toThrow(CacheFingerprintError);
    await expect(buildTeacherCache(base(out, { speechLayers: [2] }))).rejects.toThrow(/already holds a cache for other teachers or settings/);
    const ok = await openTeacherCache(out, { expectFingerprint: { speech: 'fake-speech-v1', text: 'fake-text-v1' } });
    await ok.close();
  });

  it('streams: a get reads one record from one file; the LRU serves repeats; prefetch fills it', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out, { entries: fakeEntries(40) }));
    const cache = await openTeacherCache(out, { maxOpenFiles: 2 });
    const id = cache.ids()[17];
    await cache.get(id);
    expect(cache.stats()).toMatchObject({ recordsRead: 1, filesOpened: 1, bytesRead: cache.entry(id)!.length });
    await cache.get(id);
    expect(cache.stats()).toMatchObject({ gets: 2, hits: 1, recordsRead: 1 });
    const next = cache.ids().slice(20, 26);
    cache.prefetch(next);
    for (const n of next) await cache.get(n);
    expect(cache.stats()).toMatchObject({ recordsRead: 7, hits: 7 });
    const total = fs.readdirSync(path.join(out, 'data-1')).filter((f) => f.endsWith('.bin')).reduce((s, f) => s + fs.statSync(path.join(out, 'data-1', f)).size, 0);
    expect(cache.stats().bytesRead).toBeLessThan(total / 4);
    await cache.close();
  });

  it('pads cached [frames, dim] tensors into a batch with lengths', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out, { dtype: 'float32' }));
    const cache = await openTeacherCache(out);
    const got = await Promise.all(cache.ids().slice(0, 3).map((id) => cache.get(id)));
    const items = got.map((g) => g.speech!.layers.get(3)!);
    const p = padCachedBatch(items);
    const t = Math.max(...items.map((i) => i.shape[0]));
    expect(p.shape).toEqual([3, t, 6]);
    expect(p.lengths).toEqual(items.map((i) => i.shape[0]));
    expect(Array.from(p.data.subarray(t * 6, t * 6 + items[1].data.length))).toEqual(Array.from(items[1].data));
    expect(p.data.subarray(t * 6 + items[1].data.length, 2 * t * 6).every((v) => v === 0)).toBe(true);
    expect(() => padCachedBatch([items[0], got[0].text!.layers.get(2)!])).toThrow(/every item must be \[frames, 6\]/);
    await cache.close();
  });

  it('waits for a live writer of the same shard; takes over a dead one\'s lock (an older version\'s bare pid too)', async () => {
    const out = tmpDir();
    const shardDir = path.join(out, 'shard-0-of-1');
    fs.mkdirSync(shardDir, { recursive: true });
    const held = await acquireShardLock(shardDir, 'other-writer', { heartbeatMs: 50 });
    const waits: string[] = [];
    const building = buildTeacherCache(base(out, { lockHeartbeatMs: 50, onLockWait: (h) => waits.push(h.writer) }));
    await new Promise((r) => setTimeout(r, 400));
    expect(waits.length).toBeGreaterThan(0); // still waiting: the heartbeat moves
    expect(new Set(waits)).toEqual(new Set(['other-writer']));
    held.release();
    expect((await building).computed).toBe(12);
    const out2 = tmpDir();
    fs.mkdirSync(path.join(out2, 'shard-0-of-1'), { recursive: true });
    fs.writeFileSync(path.join(out2, 'shard-0-of-1', 'LOCK'), '999999999'); // a dead pid on this host: taken over at once
    expect((await buildTeacherCache(base(out2))).computed).toBe(12);
    // A holder on another machine whose heartbeat stopped (a pod that was killed): taken over once stale.
    const out3 = tmpDir();
    fs.mkdirSync(path.join(out3, 'shard-0-of-1'), { recursive: true });
    fs.writeFileSync(path.join(out3, 'shard-0-of-1', 'LOCK'), JSON.stringify({ writer: 'pod-a-1-00000000', host: 'pod-a', pid: 1, beat: 7, started: '' }));
    const t0 = Date.now();
    expect((await buildTeacherCache(base(out3, { lockHeartbeatMs: 50, lockStaleMs: 300 }))).computed).toBe(12);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    const free = tmpDir();
    await expect(acquireShardLock(free, 'x', { wait: false }).then((l) => l.release())).resolves.toBeUndefined();
    const live = await acquireShardLock(free, 'y', { heartbeatMs: 50 });
    await expect(acquireShardLock(free, 'z', { wait: false })).rejects.toThrow(/being written by writer y/);
    live.release();
    expect(fs.readdirSync(free)).toEqual([]);
  });
});
