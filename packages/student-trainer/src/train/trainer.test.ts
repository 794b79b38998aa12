import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { makeTinyCorpus } from '../../test/helpers/tiny-corpus.js';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from './config.js';
import type { TrainConfig } from './config.js';
import { Trainer, TrainingDivergedError } from './trainer.js';
import { ctcTerm } from './objective.js';
import type { Objective } from './objective.js';
import { loadCheckpoint, listCheckpoints } from './checkpoint.js';
import { loadRecognizer } from '@speechkd/recognizer';
import { loadTfjsRecognizer } from '../inference/tfjs-recognizer.js';

let root: string;
let trainManifest: string;
let devManifest: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: null });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-trainer-'));
  trainManifest = makeTinyCorpus(root, 12, 1, 'train');
  devManifest = makeTinyCorpus(root, 4, 2, 'dev');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function cfg(runDir: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    model: 'test-tiny',
    train: trainManifest,
    dev: devManifest,
    runDir,
    steps: 6,
    batchFrames: 400,
    maxBatch: 4,
    lr: 3e-3,
    warmupSteps: 2,
    checkpointEvery: 3,
    evalEvery: 0,
    logEvery: 1,
    emaDecay: 0.9,
    backend: 'wasm',
    workers: 1,
    ...over,
  };
}

const quiet = { log: () => undefined, progress: false };

describe('Trainer', () => {
  it('refuses bad settings and a missing manifest before it writes anything, naming every problem', async () => {
    const runDir = path.join(root, 'never-made');
    await expect(Trainer.create(cfg(runDir, { steps: 0, lr: -1, batchFrames: 0, model: 'student-xxl', train: path.join(root, 'nope.jsonl') }), quiet))
      .rejects.toThrow(/5 problems with the training settings:\n {2}"steps" must be an integer >= 1, got 0\n {2}"batchFrames" must be an integer >= 1, got 0\n {2}"lr" must be a number > 0, got -1\n {2}"model" must be one of .*\n {2}"train": .*nope\.jsonl does not exist/);
    expect(fs.existsSync(runDir)).toBe(false);
    expect(() => resolveTrainConfig(undefined, { workers: '-2' })).toThrow(/"workers" must be an integer >= 0, got -2/);
  });

  it('resume after an interruption ends with the same weights as an uninterrupted run', async () => {
    const a = await Trainer.create(cfg(path.join(root, 'a')), quiet);
    await a.run();
    const wa = new Map([...a.model.params.vars].map(([k, v]) => [k, Array.from(v.dataSync())]));
    a.dispose();

    const c1 = await Trainer.create(cfg(path.join(root, 'c')), { ...quiet, stopAfter: 4 });
    const s1 = await c1.run();
    c1.dispose();
    expect(s1.finished).toBe(false);
    expect(s1.step).toBe(4);
    const c2 = await Trainer.create(cfg(path.join(root, 'c')), { ...quiet, resume: true });
    expect(c2.state.step).toBe(4);
    const s2 = await c2.run();
    expect(s2.finished).toBe(true);
    for (const [k, v] of c2.model.params.vars) expect(Array.from(v.dataSync()), k).toEqual(wa.get(k));
    c2.dispose();
    const ck = loadCheckpoint(listCheckpoints(path.join(root, 'c', 'checkpoints')).at(-1)!);
    expect(ck.state.step).toBe(6);
    expect(fs.existsSync(path.join(root, 'c', 'final', 'model.json'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'c', 'metrics.jsonl'), 'utf8')).toContain('"type":"eval"');
    expect(fs.readFileSync(path.join(root, 'c', 'curves.svg'), 'utf8')).toContain('<svg');
  });

  it('initFrom continues another run\'s checkpoint in a new run directory, exactly', async () => {
    const a = await Trainer.create(cfg(path.join(root, 'init-a')), quiet);
    await a.run();
    const wa = new Map([...a.model.params.vars].map(([k, v]) => [k, Array.from(v.dataSync())]));
    a.dispose();
    const from = listCheckpoints(path.join(root, 'init-a', 'checkpoints')).find((d) => loadCheckpoint(d).state.step === 3)!;
    const b = await Trainer.create(cfg(path.join(root, 'init-b'), { initFrom: from }), quiet);
    expect(b.state.step).toBe(3);
    await b.run();
    for (const [k, v] of b.model.params.vars) expect(Array.from(v.dataSync()), k).toEqual(wa.get(k));
    b.dispose();
    expect(() => resolveTrainConfig(undefined, { initFrom: 3 })).toThrow(/"initFrom" must be a string/);
    // On other training data the continued model keeps the feature normalization it learned with.
    const cmvnOf = (dir: string) => JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).cmvn);
    const c = await Trainer.create(cfg(path.join(root, 'init-c'), { initFrom: from, train: devManifest, steps: 4 }), quiet);
    await c.run();
    c.dispose();
    const fresh = await Trainer.create(cfg(path.join(root, 'init-d'), { train: devManifest, steps: 1, residualInitScale: 0.5, dropout: 0 }), quiet);
    await fresh.run();
    fresh.dispose();
    // The model overrides reach the model and its saved config.
    const saved = JSON.parse(fs.readFileSync(path.join(root, 'init-d', 'final', 'model.json'), 'utf8')).modelConfig;
    expect([saved.residualInitScale, saved.dropout]).toEqual([0.5, 0]);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'init-c', 'final', 'model.json'), 'utf8')).modelConfig.residualInitScale).toBe(1);
    expect(cmvnOf(path.join(root, 'init-c', 'final'))).toBe(cmvnOf(from));
    expect(cmvnOf(path.join(root, 'init-d', 'final'))).not.toBe(cmvnOf(from));
  });

  it('keeps the tensor count stable across steps', async () => {
    const t = await Trainer.create(cfg(path.join(root, 'leak'), { steps: 100, checkpointEvery: 1000, evalEvery: 0, dev: '' }), { ...quiet, stopAfter: 2 });
    await t.run();
    const n2 = tf.memory().numTensors;
    await t.run();
    expect(tf.memory().numTensors).toBe(n2);
    t.dispose();
  });

  it('learns the tone corpus; the exported bundle transcribes the dev WAVs like the trainer did', async () => {
    const run = path.join(root, 'learn');
    const t = await Trainer.create(cfg(run, { steps: 40, lr: 1e-2, warmupSteps: 5, checkpointEvery: 1000, evalEvery: 10, dropout: 0, specAugment: false, emaDecay: 0 }), quiet);
    const s = await t.run();
    t.dispose();
    const rows = fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number; step: number; cer: number });
    const losses = rows.filter((m) => m.type === 'train');
    expect(losses.at(-1)!.loss).toBeLessThan(losses[0].loss / 3);
    // best/ is the evaluation with the lowest dev CER (the first of equals).
    const evals = rows.filter((m) => m.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([10, 20, 30, 40]);
    const bestEval = evals.reduce((a, e) => (e.cer < a.cer ? e : a));
    const bestInfo = (JSON.parse(fs.readFileSync(path.join(run, 'best', 'model.json'), 'utf8')) as { info: { step: number; devCer: number } }).info;
    expect(bestInfo).toMatchObject({ step: bestEval.step, devCer: bestEval.cer });
    expect(s.bestStep).toBe(bestEval.step);
    const rec = await loadTfjsRecognizer(path.join(run, 'final'));
    expect(rec.name).toBe('test-tiny (float32)');
    const { readManifest } = await import('@speechkd/librispeech');
    const { decodeAudioFile } = await import('@speechkd/audio-features');
    const entries = readManifest(devManifest);
    const audio = await Promise.all(entries.map((e) => decodeAudioFile(e.audio)));
    const texts = await rec.transcribeBatch(audio);
    entries.forEach((e, i) => expect(texts[i], e.id).toBe(s.dev!.hypotheses.get(e.id)));
    rec.dispose();
    // final/ is also a model folder: onnxruntime (fp32) transcribes the dev set as the trainer's evaluation did.
    const onnx = await loadRecognizer(path.join(run, 'final'));
    expect(onnx.name).toMatch(/^test-tiny \(fp32, onnxruntime-node\)$/);
    const onnxTexts = await onnx.transcribeBatch(audio);
    entries.forEach((e, i) => expect(onnxTexts[i], e.id).toBe(s.dev!.hypotheses.get(e.id)));
    await onnx.dispose();
  });
});

describe('Trainer objective hook and NaN guard', () => {
  it('skips non-finite steps, counts them, and stops after maxBadSteps', async () => {
    const objective: Objective = {
      needsHidden: true,
      needsAttention: false,
      // An extra term that uses the hidden states, non-finite on even steps.
      terms: (ctx) => ({
        ctc: ctcTerm(ctx),
        hid: tf.mul(tf.mean(tf.square(ctx.output.hiddenStates[1])), ctx.step % 2 === 0 ? NaN : 1),
      }),
      weights: () => ({ ctc: 1, hid: 0.1 }),
    };
    const t = await Trainer.create(cfg(path.join(root, 'nan'), { steps: 6, dev: '', maxBadSteps: 10 }), { ...quiet, objective });
    const s = await t.run();
    expect(s.badSteps).toBe(3);
    expect(t.optimizer.step).toBe(3);
    for (const v of t.model.params.vars.values()) expect(v.dataSync().every(Number.isFinite)).toBe(true);
    t.dispose();
    const t2 = await Trainer.create(cfg(path.join(root, 'nan2'), { steps: 6, dev: '', maxBadSteps: 1 }), { ...quiet, objective });
    await expect(t2.run()).rejects.toThrow(TrainingDivergedError);
    t2.dispose();
  });
});

describe('resolveTrainConfig', () => {
  it('merges defaults, file and flags and rejects unknown keys', () => {
    const file = path.join(os.tmpdir(), `speechkd-cfg-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ model: 'student-xs', steps: 10 }));
    const c = resolveTrainConfig(file, { steps: '20', specAugment: 'false' });
    expect([c.model, c.steps, c.specAugment, c.lr]).toEqual(['student-xs', 20, false, DEFAULT_TRAIN_CONFIG.lr]);
    expect(() => resolveTrainConfig(file, { stepz: '3' })).toThrow(/unknown config key "stepz"/);
    expect(() => resolveTrainConfig(undefined, { decay: 'exponential' })).toThrow(/"decay" must be one of/);
    fs.rmSync(file);
  });
});
