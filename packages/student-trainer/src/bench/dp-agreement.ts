// Data-parallel training against one worker on real data (issue 22): trains the same model for N steps with
// 1 worker, then twice with N workers, and reports the largest relative difference between the 1-worker and
// the N-worker loss curves (every step) and whether the two N-worker runs are bitwise identical (losses and
// final weights). Run: node dist/bench/dp-agreement.js --train MANIFEST [--steps 50] [--workers 2] [--model student-s] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@speechkd/tensor-backend';
import { DEFAULT_TRAIN_CONFIG } from '../train/config.js';
import type { TrainConfig } from '../train/config.js';
import { Trainer } from '../train/trainer.js';

const { values } = parseArgs({ options: { train: { type: 'string' }, steps: { type: 'string' }, workers: { type: 'string' }, model: { type: 'string' }, json: { type: 'string' }, dropout: { type: 'string' } } });
if (!values.train) throw new Error('--train MANIFEST is required');
const steps = Number(values.steps ?? 50);
const workers = Number(values.workers ?? 2);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-dp-agree-'));

async function run(name: string, n: number): Promise<{ losses: number[]; weights: Float32Array[]; seconds: number }> {
  const cfg: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG, model: values.model ?? 'student-s', train: values.train!, dev: '', runDir: path.join(root, name), steps, workers: n,
    lr: 1e-3, warmupSteps: 10, decay: 'constant', batchFrames: 2000, logEvery: 1, checkpointEvery: steps, evalEvery: 0,
    dropout: Number(values.dropout ?? 0.1), specAugment: true, emaDecay: 0.99, backend: 'wasm',
  };
  const t0 = performance.now();
  const t = await Trainer.create(cfg, { progress: false, log: () => undefined });
  await t.run();
  const weights = [...t.model.params.vars.values()].map((v) => Float32Array.from(v.dataSync()));
  t.dispose();
  const losses = fs.readFileSync(path.join(cfg.runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; loss: number }).filter((m) => m.type === 'train').map((m) => m.loss);
  return { losses, weights, seconds: (performance.now() - t0) / 1000 };
}

await initBackend({ log: null });
const one = await run('w1', 1);
const a = await run('wn-a', workers);
const b = await run('wn-b', workers);
const rel = Math.max(...a.losses.map((l, i) => Math.abs(l - one.losses[i]) / Math.abs(one.losses[i])));
const bitwise = a.losses.every((l, i) => l === b.losses[i]) && a.weights.every((w, k) => w.every((x, i) => x === b.weights[k][i]));
const out = { model: values.model ?? 'student-s', steps, workers, dropout: Number(values.dropout ?? 0.1), specAugment: true, lossMaxRelDiff: rel, bitwiseReproducible: bitwise, seconds: { one: one.seconds, a: a.seconds, b: b.seconds }, losses: { one: one.losses, workers: a.losses } };
process.stdout.write(`${steps} steps of ${out.model} (dropout ${out.dropout}, SpecAugment): 1 vs ${workers} workers, max relative loss difference ${rel.toExponential(2)}; two ${workers}-worker runs bitwise identical: ${bitwise}\n`);
if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(out, null, 1)}\n`);
fs.rmSync(root, { recursive: true, force: true });
