import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheChecksumError, CacheLockedError, acquireShardLock, buildTeacherCache, mergeTeacherCache, openTeacherCache } from '../src/index.js';
import type { BuildCacheOptions } from '../src/index.js';
import { FakeSpeechTeacher, FakeTextTeacher, fakeEntries, fakeLoadAudio } from './fake-teachers.js';
import { expectSameTree } from './same-tree.js';

const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-merge-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const base = (outDir: string, extra: Partial<BuildCacheOptions> = {}): BuildCacheOptions => ({
  entries: fakeEntries(23), outDir, loadAudio: fakeLoadAudio, speech: new FakeSpeechTeacher(), speechLayers: [1, 3],
  text: new FakeTextTeacher(), textLayers: [2], chunkUtterances: 4, mergeChunkUtterances: 4, textBatch: 5, ...extra,
});

describe('merging a cache', () => {
  it('N shards merged equal a one-process build byte for byte; the one-process build links its chunks, not copies', async () => {
    const single = tmpDir();
    const r = await buildTeacherCache(base(single));
    expect(r.merged).toMatchObject({ utterances: 23, chunks: 6, dataDir: 'data-1' });
    expect(r.merged!.linkedChunks).toBe(6); // written in id order with the merge's chunk rule
    const sharded = tmpDir();
    for (let i = 0; i < 3; i++) await buildTeacherCache(base(sharded, { shard: { index: i, count: 3 } }));
    expect(fs.readdirSync(sharded).sort()).toEqual(['cache.json', 'shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3']);
    const m = await mergeTeacherCache(sharded, { chunkUtterances: 4 });
    expect(m).toMatchObject({ utterances: 23, chunks: 6, duplicates: 0, unchanged: false, dataDir: 'data-1' });
    expectSameTree(sharded, single);
    // Merging a merged cache changes nothing.
    expect(await mergeTeacherCache(sharded, { chunkUtterances: 4 })).toMatchObject({ unchanged: true, dataDir: 'data-1' });
    expectSameTree(sharded, single);
  });

  it('a resumed build checks the records it reuses: a damaged chunk of its shard is recomputed, one elsewhere is refused', async () => {
    const flip = (file: string): void => {
      const b = fs.readFileSync(file);
      b[Math.floor(b.length / 2)] ^= 0xff;
      fs.writeFileSync(file, b);
    };
    const single = tmpDir();
    await buildTeacherCache(base(single));
    const sharded = tmpDir();
    for (let i = 0; i < 3; i++) await buildTeacherCache(base(sharded, { shard: { index: i, count: 3 } }));
    const shard0 = path.join(sharded, 'shard-0-of-3');
    const chunk = fs.readdirSync(shard0).find((f) => f.endsWith('.bin'))!;
    flip(path.join(shard0, chunk));
    const lines: string[] = [];
    const again = await buildTeacherCache(base(sharded, { shard: { index: 0, count: 3 }, log: (l) => lines.push(l) }));
    expect(again.computed).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/checksum mismatch for utterance .*the chunk is removed/);
    await mergeTeacherCache(sharded, { chunkUtterances: 4 });
    expectSameTree(sharded, single);
    // A merged chunk (data-1/) belongs to no writer's folder: the build names it instead of reusing or deleting it.
    flip(path.join(single, 'data-1', fs.readdirSync(path.join(single, 'data-1')).find((f) => f.endsWith('.bin'))!));
    await expect(buildTeacherCache(base(single))).rejects.toThrow(CacheChecksumError);
    await expect(buildTeacherCache(base(single))).rejects.toThrow(/data-1\/.*checksum mismatch.*delete that chunk/);
  });

  it('two writers of one shard (an old and a replacement pod) leave duplicates; the merge keeps one copy', async () => {
    const [a, b, single] = [tmpDir(), tmpDir(), tmpDir()];
    await buildTeacherCache(base(single));
    // Both pods of shard 1 ran to the end: each wrote its own files (ids in the names), both are in shard-1-of-2.
    for (const out of [a, b]) await buildTeacherCache(base(out, { shard: { index: 1, count: 2 } }));
    for (const f of fs.readdirSync(path.join(b, 'shard-1-of-2'))) fs.copyFileSync(path.join(b, 'shard-1-of-2', f), path.join(a, 'shard-1-of-2', f));
    await buildTeacherCache(base(a, { shard: { index: 0, count: 2 } }));
    const beforeMerge = await openTeacherCache(a); // readable before any merge: duplicates resolved to the first copy
    expect(beforeMerge.size).toBe(23);
    await beforeMerge.close();
    const m = await mergeTeacherCache(a, { chunkUtterances: 4 });
    expect(m.duplicates).toBeGreaterThan(0);
    expect(m.conflicts).toEqual([]);
    expectSameTree(a, single);
  });

  it('refuses while a shard is still written, and reports missing ids instead of merging', async () => {
    const out = tmpDir();
    await buildTeacherCache(base(out, { shard: { index: 0, count: 2 } }));
    fs.mkdirSync(path.join(out, 'shard-1-of-2'));
    const lock = await acquireShardLock(path.join(out, 'shard-1-of-2'), 'busy-writer', { heartbeatMs: 50 });
    await expect(mergeTeacherCache(out)).rejects.toThrow(CacheLockedError);
    await expect(mergeTeacherCache(out)).rejects.toThrow(/still being written by writer busy-writer/);
    lock.release();
    const ids = fakeEntries(23).map((e) => e.id);
    const r = await mergeTeacherCache(out, { expectIds: ids });
    expect(r.missing.length).toBeGreaterThan(0);
    expect(r.dataDir).toBeNull();
    expect(fs.existsSync(path.join(out, 'shard-0-of-2'))).toBe(true);
    const partial = await mergeTeacherCache(out, { expectIds: ids, allowMissing: true });
    expect(partial.utterances).toBe(23 - r.missing.length);
    expect(fs.readdirSync(out).sort()).toEqual(['cache.json', 'data-1', 'index.jsonl']);
    // The rest computed later goes into shard folders again and a second merge makes data-2.
    await buildTeacherCache(base(out, { shard: { index: 1, count: 2 } }));
    expect(await mergeTeacherCache(out, { expectIds: ids, chunkUtterances: 4 })).toMatchObject({ utterances: 23, missing: [], dataDir: 'data-2' });
    const single = tmpDir();
    await buildTeacherCache(base(single));
    fs.renameSync(path.join(single, 'data-1'), path.join(single, 'data-2')); // same records, same chunks; only the generation differs
    const fix = (dir: string) => fs.readFileSync(path.join(dir, 'index.jsonl'), 'utf8');
    expect(fix(out)).toBe(fix(single).replaceAll('data-1/', 'data-2/'));
  });
});
