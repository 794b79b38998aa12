// Data-parallel training benchmark (issue 22): the same student-s batches trained with 1 and N workers, each
// configuration in a fresh child process (so its peak RSS is its own), plus the wasm matMul peak and the
// "ceiling" (two independent 1-worker trainings started together) in the same run.
// Run: node dist/bench/train-bench.js --workers 1,2 [--steps 10] [--json out.json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { createStudent } from '../model/student.js';
import { flopCounter } from '../model/ops.js';
import { AdamW } from '../train/optimizer.js';
import { ctcObjective } from '../train/objective.js';
import { collate, disposeBatch } from '../train/batches.js';
import type { Utterance } from '../train/batches.js';
import { trainStep } from '../train/train-step.js';
import { DataParallelStep } from '../train/parallel/data-parallel-step.js';
import type { StepTimings } from '../train/parallel/data-parallel-step.js';
import { FEATURE_BINS } from '@speechkd/recognizer';
import { Rng } from '@speechkd/random';

/** Settings of one benchmark run. */
export interface DataParallelBenchOptions {
  workers: number[];
  /** Measured steps per configuration (after 2 warm-up steps). */
  steps: number;
  model: string;
  batch: number;
  frames: number;
  json?: string;
  /** Rounds: each measures every configuration once, in turn, so slow drifts of a shared machine hit them alike. */
  rounds: number;
}

/** What one training child reports. */
interface TrainMeasure {
  workers: number;
  /** Median wall seconds per optimizer step. */
  stepSeconds: number;
  stepSecondsAll: number[];
  /** matMul FLOPs of a step (3 x forward) / stepSeconds. */
  gflops: number;
  peakRssBytes: number;
  /** Per-step seconds by phase (data-parallel runs), averaged over the measured steps. */
  phases?: Omit<StepTimings, 'steps'>;
  /** Parameters of the model (the length of the averaged vector). */
  params: number;
  losses: number[];
}

/** The benchmark's command-line entry (children are started through it). */
const ENTRY = fileURLToPath(new URL('./train-bench.js', import.meta.url));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The benchmark's utterances: `batch` of up to `frames` random frames (lengths staggered, sorted as a real batch is). */
function benchUtterances(batch: number, frames: number): Utterance[] {
  const rng = new Rng(1);
  const lengths = Array.from({ length: batch }, (_, i) => frames - ((i * 37) % Math.floor(frames / 4))).sort((a, b) => a - b);
  const labLen = Math.floor(frames / 4 / 3);
  return lengths.map((n, u) => ({
    id: `b${u}`, text: '', frames: n,
    data: Float32Array.from({ length: n * FEATURE_BINS }, () => rng.normal()),
    labels: Int32Array.from({ length: labLen }, (_, i) => 1 + ((u * labLen + i) * 13) % 28),
  }));
}

/** Child: trains `steps` + 2 steps with `workers` and prints a TrainMeasure as JSON. */
async function measureTraining(o: DataParallelBenchOptions, workers: number): Promise<TrainMeasure> {
  const info = await initBackend({ log: null });
  const model = createStudent(o.model, { seed: 1 });
  const utts = benchUtterances(o.batch, o.frames);
  const objective = ctcObjective();
  const indices = utts.map((_, i) => i);
  const whole = collate(utts);
  flopCounter.enabled = true;
  flopCounter.flops = 0;
  tf.tidy(() => void model.forward(whole.features, whole.lengths, { training: true }));
  flopCounter.enabled = false;
  const stepFlops = 3 * flopCounter.flops; // backward of a matMul costs two matMuls of the same size
  const adamw = { beta1: 0.9, beta2: 0.98, epsilon: 1e-9, weightDecay: 0.01 };
  const optimizer = new AdamW(adamw);
  const dp = workers > 1 ? await DataParallelStep.start({ workers, model, objective, objectiveSpec: null, utts, backend: info.name, seed: 1, specAugment: null, adamw }) : undefined;
  const times: number[] = [];
  const losses: number[] = [];
  let phases: StepTimings | undefined;
  for (let s = 0; s < o.steps + 2; s++) {
    if (s === 2 && dp) phases = { ...dp.timings };
    const t0 = performance.now();
    const r = dp
      ? await dp.step({ indices, step: s, dropoutSeed: s, augmentSeed: null, lr: 1e-4, clipNorm: 1 })
      : trainStep(model, objective, whole, s, { optimizer, lr: 1e-4, clipNorm: 1, dropoutSeed: s });
    if (s >= 2) times.push((performance.now() - t0) / 1000);
    losses.push(r.loss);
  }
  const per = (k: keyof Omit<StepTimings, 'steps'>) => (dp!.timings[k] - phases![k]) / o.steps;
  const out: TrainMeasure = {
    workers, stepSeconds: median(times), stepSecondsAll: times, gflops: stepFlops / median(times) / 1e9, params: model.numParams(),
    peakRssBytes: process.resourceUsage().maxRSS * 1024, losses,
    ...(dp ? { phases: { prepare: per('prepare'), ownGradients: per('ownGradients'), helperWait: per('helperWait'), helperCompute: per('helperCompute'), reduce: per('reduce'), update: per('update'), publish: per('publish') } } : {}),
  };
  await dp?.close();
  disposeBatch(whole);
  return out;
}

/** Child: the 1-core wasm matMul peak (best of 256/512/1024 square products, best of 5 each, wall time). */
async function measurePeak(): Promise<number> {
  await initBackend({ log: null });
  let peak = 0;
  for (const n of [256, 512, 1024]) {
    const a = tf.randomUniform([n, n]);
    const b = tf.randomUniform([n, n]);
    tf.matMul(a, b).dataSync();
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      c.dataSync(); // not returned from a tidy: tidy walks a returned typed array element by element
      c.dispose();
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    peak = Math.max(peak, (2 * n ** 3) / best / 1e9);
    tf.dispose([a, b]);
  }
  return peak;
}

/** Runs this file as a child with `args`; resolves with the JSON it prints last. */
function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`benchmark child ${args.join(' ')} exited with code ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

/**
 * Cost model for N cores from the 2-worker run (weak scaling: a global batch of `batch / 2` utterances per
 * worker, as the measured run had): a step is one slice's compute (the measured own-gradient time plus the wait
 * for the slower helper, already slowed by the other core's work) + preparing + the reduce + the update +
 * publishing the weights. The reduce is split across the participants: each adds N slots over 1/N of the
 * vector, i.e. reads one vector's worth whatever N (kept at its 2-worker time); the update is split too (its
 * 2-worker time x 2/N). Memory bandwidth shared by many cores is not modelled. Throughput is relative to one
 * worker training the same global batch.
 */
function project(one: TrainMeasure, two: TrainMeasure, cores: number[]): Array<Record<string, number>> {
  const ph = two.phases!;
  const slice = ph.ownGradients + ph.helperWait; // the slowest slice's forward + backward
  return cores.map((n) => {
    const step = ph.prepare + slice + ph.reduce + (ph.update * 2) / n + ph.publish;
    // One worker would take n / 2 times the 2-worker batch's single-worker time for the same global batch.
    const oneWorker = (one.stepSeconds * n) / 2;
    return { cores: n, stepSeconds: step, speedup: oneWorker / step, efficiency: oneWorker / step / n };
  });
}

/** Orchestrates the children and writes the report. */
export async function runDataParallelBench(o: DataParallelBenchOptions): Promise<Record<string, unknown>> {
  const base = ['--child', '--steps', String(o.steps), '--model', o.model, '--batch', String(o.batch), '--frames', String(o.frames)];
  const log = (l: string) => process.stderr.write(`[train-bench] ${l}\n`);
  log(`${o.model}, batch ${o.batch} x ${o.frames} frames, ${o.steps} measured steps per configuration, each in a fresh process, ${o.rounds} round(s)`);
  const wasmPeakGflops = await child<number>([...base, '--measure', 'peak']);
  log(`wasm matMul peak (1 core): ${wasmPeakGflops.toFixed(1)} GFLOP/s`);
  const all: Record<string, TrainMeasure[]> = {};
  const pairs: number[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const n of o.workers) {
      const m = await child<TrainMeasure>([...base, '--measure', 'train', '--workers-n', String(n)]);
      (all[n] ??= []).push(m);
      log(`round ${round}: ${n} worker(s): ${m.stepSeconds.toFixed(3)} s/step (median), ${m.gflops.toFixed(2)} GFLOP/s, peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MB${m.phases ? `; per step ${Object.entries(m.phases).map(([k, v]) => `${k} ${(1000 * v).toFixed(1)} ms`).join(', ')}` : ''}`);
    }
    if (all[1]) {
      const pair = await Promise.all([0, 1].map(() => child<TrainMeasure>([...base, '--measure', 'train', '--workers-n', '1'])));
      pairs.push((pair[0].stepSeconds + pair[1].stepSeconds) / 2);
      log(`round ${round}: two independent 1-worker trainings together: ${pair.map((p) => p.stepSeconds.toFixed(3)).join(' and ')} s/step`);
    }
  }
  // Per worker count, the round with the median step time.
  const runs: Record<string, TrainMeasure> = {};
  for (const [n, ms] of Object.entries(all)) runs[n] = [...ms].sort((a, b) => a.stepSeconds - b.stepSeconds)[(ms.length - 1) >> 1];
  const together = median(pairs);
  const report: Record<string, unknown> = {
    model: o.model, batch: o.batch, frames: o.frames, steps: o.steps, rounds: o.rounds, wasmPeakGflops,
    workers: Object.fromEntries(Object.entries(runs).map(([n, m]) => [n, {
      stepSeconds: m.stepSeconds, gflops: m.gflops, peakRssBytes: m.peakRssBytes, phases: m.phases, stepSecondsAll: m.stepSecondsAll,
      stepSecondsPerRound: all[n].map((x) => x.stepSeconds),
    }])),
    independentPair: { meanStepSecondsPerRound: pairs },
  };
  const one = runs[1];
  if (one) {
    report.ceiling = (2 * one.stepSeconds) / together;
    log(`ceiling (2 x 1-worker step / mean step of two together, medians over rounds): ${(report.ceiling as number).toFixed(3)}`);
    const two = runs[2];
    if (two) {
      report.speedup = one.stepSeconds / two.stepSeconds;
      report.speedupPerRound = all[1].map((m, i) => m.stepSeconds / all[2][i].stepSeconds);
      report.speedupOverCeiling = (report.speedup as number) / (report.ceiling as number);
      report.lossMaxRelDiff = Math.max(...two.losses.map((l, i) => Math.abs(l - one.losses[i]) / Math.abs(one.losses[i])));
      report.projection = project(one, two, [2, 4, 8, 16, 32]);
      log(`speedup (1-worker / 2-worker step time, medians over rounds) ${(report.speedup as number).toFixed(3)} = ${(100 * (report.speedupOverCeiling as number)).toFixed(1)}% of the ceiling; losses agree to ${(report.lossMaxRelDiff as number).toExponential(2)} relative`);
    }
  }
  if (o.json) fs.writeFileSync(o.json, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

/** The child side: `--child --measure peak|train`. */
export async function dataParallelBenchChild(o: DataParallelBenchOptions, measure: string, workers: number): Promise<void> {
  const result = measure === 'peak' ? await measurePeak() : await measureTraining(o, workers);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
