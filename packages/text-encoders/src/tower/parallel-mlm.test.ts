import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@speechkd/tensor-backend';
import { loadBrownSentences, TOWER_PRESETS, trainTextTower } from '../index.js';
import { sliceMaskedBatch, splitMaskedBatch } from './mlm-slices.js';
import { maskBatch } from './mlm.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'text-tower-dp-'));

/** Largest relative difference of `losses` from `ref`'s, `ref` read from position `from`. */
const maxRel = (losses: number[], ref: number[], from = 0): number => Math.max(...losses.map((l, i) => Math.abs(l - ref[from + i]) / ref[from + i]));

describe('text tower data-parallel training', () => {
  let sentences: string[];
  beforeAll(async () => {
    await initBackend({ log: null });
    sentences = loadBrownSentences({ maxWords: 20 }).sentences.slice(0, 200);
  });

  it('sliceMaskedBatch: the rows re-padded to their longest, their masked positions and labels kept', () => {
    const seqs = [Int32Array.from([2, 9, 9, 3]), Int32Array.from([2, 8, 3]), Int32Array.from([2, 7, 7, 7, 7, 3])];
    const mb = maskBatch(seqs, { maskId: 4, numSpecial: 5, size: 20 }, () => 0.05);
    const s = sliceMaskedBatch(mb, [0, 1]);
    expect([s.batch, s.tokens]).toEqual([2, 4]);
    expect(Array.from(s.mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(s.positions)).toEqual([1, 2, 5]);
    expect(Array.from(s.labels)).toEqual([9, 9, 8]);
    const parts = splitMaskedBatch(mb, 2);
    expect(parts.reduce((a, p) => a + p.positions.length, 0)).toBe(mb.positions.length);
    expect(parts.every((p) => p.positions.length > 0)).toBe(true);
  });

  /** The same training with 1 and 2 workers. */
  const oneAndTwo = async (over: { steps: number; seed: number; batchSize: number }) => {
    const opts = { sentences, arch: TOWER_PRESETS.tiny, lr: 1e-2, warmup: 3, checkpointEvery: 100, ...over };
    return { opts, one: await trainTextTower({ ...opts, out: tmp(), workers: 1 }), two: await trainTextTower({ ...opts, out: tmp(), workers: 2 }) };
  };

  it('2 workers on 2-row batches, where a row without masked tokens leaves the helper idle, follow 1 worker', async () => {
    const { one, two } = await oneAndTwo({ steps: 20, seed: 3, batchSize: 2 });
    expect(maxRel(two.losses, one.losses)).toBeLessThan(1e-4);
  });

  it('2 workers: the losses equal 1 worker\'s to float tolerance; a run checkpointed with 2 resumes with 1', async () => {
    const { opts, one, two } = await oneAndTwo({ steps: 12, seed: 1, batchSize: 16 });
    expect(maxRel(two.losses, one.losses)).toBeLessThan(1e-4);
    const out = tmp();
    await trainTextTower({ ...opts, out, workers: 2, stopAfter: 6 });
    const rest = await trainTextTower({ ...opts, out, workers: 1 });
    expect(rest.startStep).toBe(6);
    expect(maxRel(rest.losses, one.losses, 6)).toBeLessThan(1e-4);
  });
});
