import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirLockedError } from '@speechkd/safe-io';
import { initBackend } from '@speechkd/tensor-backend';
import { makeTinyCorpus } from '../../test/helpers/tiny-corpus.js';
import { DEFAULT_TRAIN_CONFIG, TRAIN_LOCK_FILE, TrainConfigError } from './config.js';
import type { TrainConfig } from './config.js';
import { Trainer } from './trainer.js';
import { listCheckpoints } from './checkpoint.js';
import { changedTrainSettings, RunDirConflictError } from './run-dir.js';

let root: string;
let trainManifest: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: null });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-rundir-'));
  trainManifest = makeTinyCorpus(root, 8, 1, 'train');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function cfg(runDir: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG, model: 'test-tiny', train: trainManifest, dev: '', runDir, steps: 6, batchFrames: 400, maxBatch: 4,
    lr: 3e-3, warmupSteps: 2, checkpointEvery: 3, evalEvery: 0, logEvery: 1, emaDecay: 0.9, backend: 'wasm', workers: 1, ...over,
  };
}

const lines: string[] = [];
const quiet = { log: (l: string) => void lines.push(l), progress: false };

async function train(c: TrainConfig, opts: { stopAfter?: number; fresh?: boolean } = {}) {
  const t = await Trainer.create(c, { ...quiet, ...opts });
  try {
    return { start: t.state.step, summary: await t.run(), weights: [...t.model.params.vars.values()].map((v) => Array.from(v.dataSync())) };
  } finally {
    t.dispose();
  }
}

const metricSteps = (dir: string, type = 'train') => fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { type: string; step: number }).filter((m) => m.type === type).map((m) => m.step);

describe('run folder: resume by default, refuse other settings, one process at a time', () => {
  it('a rerun resumes from the last checkpoint without --resume; steps logged after it by a killed run are dropped', async () => {
    const full = await train(cfg(path.join(root, 'ref')));
    const dir = path.join(root, 'killed');
    await train(cfg(dir), { stopAfter: 5 });
    // As if killed after step 5 was logged but before its checkpoint: only step 3's checkpoint is left, and a torn line.
    fs.rmSync(listCheckpoints(path.join(dir, 'checkpoints')).at(-1)!, { recursive: true });
    fs.appendFileSync(path.join(dir, 'metrics.jsonl'), '{"type":"train","st');
    expect(metricSteps.bind(null, dir)).toThrow(); // the torn line
    const resumed = await train(cfg(dir, { workers: 1, logEvery: 2, evalMaxUtts: 3 })); // ignored keys may differ
    expect(resumed.start).toBe(3);
    expect(resumed.summary).toMatchObject({ step: 6, finished: true });
    expect(resumed.weights).toEqual(full.weights);
    expect(metricSteps(dir)).toEqual([1, 2, 3, 4, 6]); // each step once (logEvery 2 after the resume)
    expect(fs.existsSync(path.join(dir, TRAIN_LOCK_FILE))).toBe(false);
  });

  it('other settings in a folder with results are refused, naming each key and how to start fresh; --fresh starts over', async () => {
    const dir = path.join(root, 'other');
    await train(cfg(dir), { stopAfter: 3 });
    const err = await Trainer.create(cfg(dir, { lr: 2e-3, seed: 7, workers: 2, keepLast: 1 }), quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunDirConflictError);
    expect((err as RunDirConflictError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(new RegExp(`^runDir .*other holds a run made with other settings \\(seed: 1 -> 7, lr: 0\\.003 -> 0\\.002\\); to start fresh use another runDir, delete the folder, or pass --fresh \\(removes its checkpoints, best/, final/ and metrics\\); to continue its weights with the new settings: initFrom=.*step-0+3 with another runDir$`));
    expect(fs.existsSync(path.join(dir, TRAIN_LOCK_FILE))).toBe(false); // the refusal released the lock
    const fresh = await train(cfg(dir, { lr: 2e-3 }), { fresh: true });
    expect(fresh.start).toBe(0);
    expect(metricSteps(dir)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).lr).toBe(2e-3);
    await expect(Trainer.create(cfg(dir), { ...quiet, fresh: true, resume: true })).rejects.toThrow(/resume and fresh contradict each other/);
  });

  it('compares paths by the file they name and counts keys a saved config lacks as their defaults', () => {
    const c = cfg(path.join(root, 'x'));
    const saved = { ...c, train: path.relative(process.cwd(), c.train) } as Record<string, unknown>;
    delete saved.bestMetric;
    expect(changedTrainSettings(saved, c)).toEqual([]);
    expect(changedTrainSettings({ ...saved, bestMetric: 'wer', dev: 'dev.jsonl' }, c)).toEqual(['dev: "dev.jsonl" -> ""', 'bestMetric: "wer" -> "cer"']);
  });

  it('a second trainer in the same folder is refused while the first holds it', async () => {
    const dir = path.join(root, 'locked');
    const first = await Trainer.create(cfg(dir), quiet);
    const held = JSON.parse(fs.readFileSync(path.join(dir, TRAIN_LOCK_FILE), 'utf8')) as { pid: number; host: string; startedAt: string; command: string };
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname() });
    await expect(Trainer.create(cfg(dir), quiet)).rejects.toThrow(DirLockedError);
    first.dispose();
    (await Trainer.create(cfg(dir), quiet)).dispose();
  });

  it('a run folder that cannot be written is a settings problem, reported with the others before anything is written', async () => {
    fs.writeFileSync(path.join(root, 'a-file'), '');
    const err = await Trainer.create(cfg(path.join(root, 'a-file', 'run'), { steps: 0 }), quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainConfigError);
    expect((err as Error).message).toMatch(/^2 problems with the training settings:\n {2}"steps" must be an integer >= 1, got 0\n {2}"runDir": .*a-file\/run: cannot write here: .*a-file is a file, not a folder/);
  });
});
