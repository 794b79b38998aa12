import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@speechkd/tensor-backend';
import { makeTinyCorpus } from '../../../test/helpers/tiny-corpus.js';
import { DEFAULT_TRAIN_CONFIG } from '../config.js';
import type { TrainConfig } from '../config.js';
import { Trainer, TrainingWorkerError } from '../trainer.js';
import { listCheckpoints, loadCheckpoint } from '../checkpoint.js';

let root: string;
let trainManifest: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: null });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-dp-'));
  trainManifest = makeTinyCorpus(root, 16, 3, 'train');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  delete process.env.SPEECHKD_REPLICA_EXIT;
});

/** test-tiny with dropout and SpecAugment on, so the masks' slice invariance is exercised too. */
function cfg(name: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    model: 'test-tiny', train: trainManifest, dev: '', runDir: path.join(root, name), steps: 8, batchFrames: 900, maxBatch: 4,
    lr: 3e-3, warmupSteps: 2, checkpointEvery: 4, evalEvery: 0, logEvery: 1, emaDecay: 0.9, backend: 'wasm',
    dropout: 0.1, specAugment: true, freqMaskWidth: 8, timeMaskWidth: 10, workers: 2, ...over,
  };
}

const quiet = { log: () => undefined, progress: false };

/** Trains and returns the per-step losses and the final weights. */
async function train(c: TrainConfig, opts: { resume?: boolean; stopAfter?: number } = {}) {
  const t = await Trainer.create(c, { ...quiet, ...opts });
  try {
    const summary = await t.run();
    const weights = new Map([...t.model.params.vars].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
    return { summary, weights, losses: losses(c.runDir) };
  } finally {
    t.dispose();
  }
}

function losses(runDir: string): number[] {
  return fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; loss: number }).filter((m) => m.type === 'train').map((m) => m.loss);
}

function maxRelDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.max(Math.abs(b[i]), 1e-12)));
}

describe('data-parallel training', () => {
  it('2 workers: the loss curve equals 1 worker\'s to float tolerance, and reruns are bitwise identical', async () => {
    const one = await train(cfg('w1', { workers: 1 }));
    const two = await train(cfg('w2'));
    const again = await train(cfg('w2b'));
    expect(one.summary.workers).toBe(1);
    expect(two.summary.workers).toBe(2);
    expect(two.losses).toHaveLength(8);
    expect(maxRelDiff(two.losses, one.losses)).toBeLessThan(1e-4);
    expect(again.losses).toEqual(two.losses);
    for (const [k, w] of two.weights) expect(again.weights.get(k), k).toEqual(w);
  });

  it('3 workers on batches of 1 to 3 utterances (some steps leave helpers idle) follow 1 worker', async () => {
    const over = { maxBatch: 3, batchFrames: 600, steps: 10 };
    const one = await train(cfg('idle-w1', { ...over, workers: 1 }));
    const three = await train(cfg('idle-w3', { ...over, workers: 3 }));
    expect(three.summary.workers).toBe(3);
    const sizes = fs.readFileSync(path.join(root, 'idle-w3', 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; batch: number }).filter((m) => m.type === 'train').map((m) => m.batch);
    expect(Math.min(...sizes)).toBeLessThan(3); // a helper sat out a step after computing in an earlier one
    expect(Math.max(...sizes)).toBe(3);
    expect(maxRelDiff(three.losses, one.losses)).toBeLessThan(1e-4);
  });

  it('a checkpoint written with 2 workers resumes with 1, and one written with 1 resumes with 2', async () => {
    const full = await train(cfg('ref'));
    await train(cfg('mix-a'), { stopAfter: 4 });
    const a = await train(cfg('mix-a', { workers: 1 }), { resume: true });
    await train(cfg('mix-b', { workers: 1 }), { stopAfter: 4 });
    const b = await train(cfg('mix-b'), { resume: true });
    for (const r of [a, b]) {
      expect(r.summary.step).toBe(8);
      expect(r.losses).toHaveLength(8);
      expect(maxRelDiff(r.losses, full.losses)).toBeLessThan(1e-4);
    }
  });

  // Each step makes four calls to a helper (prepare, gradients, reduce, update): call 13 is step 4's first,
  // call 16 its update (this thread has updated its range of the moments by then: they must not count).
  for (const [call, phase] of [[13, 'preparing'], [16, 'updating']] as const) {
    it(`a helper thread that dies (${phase}) stops the run with a TrainingWorkerError after checkpointing every finished step; resuming gives the uninterrupted weights`, async () => {
      const full = await train(cfg(`crash-ref-${call}`));
      process.env.SPEECHKD_REPLICA_EXIT = `1:${call}`;
      const err = await train(cfg(`crash-${call}`)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrainingWorkerError);
      expect((err as Error).message).toMatch(/data-parallel worker 1 \(thread \d+\) exited unexpectedly \(exit code 137\) during step 4; the 3 finished steps are saved in .*step-0*3; rerun the same command to resume/);
      expect(loadCheckpoint(listCheckpoints(path.join(root, `crash-${call}`, 'checkpoints')).at(-1)!).state.step).toBe(3);
      delete process.env.SPEECHKD_REPLICA_EXIT;
      const resumed = await train(cfg(`crash-${call}`), { resume: true });
      expect(resumed.summary.step).toBe(8);
      for (const [k, w] of full.weights) expect(resumed.weights.get(k), k).toEqual(w);
    });
  }
});
