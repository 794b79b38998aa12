import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RECYCLE_AFTER, workerExecutor } from './executor.js';
import type { PlannedUtterance } from './plan.js';

const file = fileURLToPath(new URL('../test/fixtures/crashing-worker.mjs', import.meta.url));
const markers = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-synth-exec-'));
afterAll(() => fs.rmSync(markers, { recursive: true, force: true }));

const utt = (id: string): PlannedUtterance => ({
  id, subset: 'train', speaker: '1', chapter: '11', text: 'A B C', augment: null,
  voice: { engine: 'flite', voice: 'slt', variant: '', rate: 1, pitch: 0, warp: 1 },
});

describe('workerExecutor', () => {
  it('retries an utterance whose worker process crashed, on a fresh process', async () => {
    const ex = workerExecutor(2, { file, args: ['x-1', 'once', markers] });
    try {
      const results = await Promise.all(['x-0', 'x-1', 'x-2', 'x-3'].map((id) => ex.run(utt(id), '/dev/null')));
      expect(results).toEqual([1, 1, 1, 1]);
      expect(fs.existsSync(path.join(markers, 'x-1.crashed'))).toBe(true);
    } finally {
      await ex.close();
    }
  });

  it('fails only the utterance that crashes twice; the pool keeps serving', async () => {
    const ex = workerExecutor(1, { file, args: ['y-1', 'always', markers] });
    try {
      const settled = await Promise.allSettled(['y-0', 'y-1', 'y-2'].map((id) => ex.run(utt(id), '/dev/null')));
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/worker process died \(SIGSEGV\)/);
    } finally {
      await ex.close();
    }
  });

  it(`replaces a worker process after ${RECYCLE_AFTER} utterances`, async () => {
    const ex = workerExecutor(1, { file, args: ['', 'pid', markers] });
    try {
      const pids: number[] = [];
      for (let i = 0; i < RECYCLE_AFTER + 5; i++) pids.push(await ex.run(utt(`z-${i}`), '/dev/null'));
      expect(new Set(pids.slice(0, RECYCLE_AFTER)).size).toBe(1);
      expect(pids[RECYCLE_AFTER]).not.toBe(pids[0]);
    } finally {
      await ex.close();
    }
  });
});
