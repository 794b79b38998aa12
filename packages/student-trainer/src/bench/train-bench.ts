// Training/inference performance of student-s on the active tfjs backend (wasm here), measured against the
// wasm matMul peak and onnxruntime-node's fp32 matMul rate in the same run. Run: npm run bench -w @speechkd/student-trainer
// (after build), or `node dist/bench/train-bench.js --json out.json`. With `--workers 1,2` it runs the
// data-parallel benchmark instead (data-parallel-bench.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { createStudent } from '../model/student.js';
import { flopCounter } from '../model/ops.js';
import { AdamW } from '../train/optimizer.js';
import { ctcObjective } from '../train/objective.js';
import { trainStep } from '../train/train-step.js';
import { syntheticBatch } from './synthetic-batch.js';
import { loadRecognizer } from '@speechkd/recognizer';
import { StudentRecognizer } from '../inference/tfjs-recognizer.js';
import { writeRecognizerFolder } from '../export/export-recognizer.js';
import { onnxMatMulGflops } from './onnx-matmul.js';
import { dataParallelBenchChild, runDataParallelBench } from './data-parallel-bench.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, frames: { type: 'string' }, model: { type: 'string' },
    workers: { type: 'string' }, child: { type: 'boolean' }, measure: { type: 'string' }, 'workers-n': { type: 'string' }, rounds: { type: 'string' },
  },
});
const MODEL = values.model ?? 'student-s';
const BATCH = Number(values.batch ?? 8);
const FRAMES = Number(values.frames ?? 400);
const STEPS = Number(values.steps ?? 4);

/**
 * Best-of-`reps` seconds of `fn`: CPU time of this process (user + system) and wall time. wasm runs on one
 * thread, so on a shared machine CPU time is the fair measure of single-core speed; wall time is also kept.
 */
function best(reps: number, fn: () => void): { cpu: number; wall: number } {
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { cpu, wall };
}

async function main(): Promise<void> {
  const info = await initBackend();
  const out: Record<string, unknown> = { backend: info.name, model: MODEL, batch: BATCH, frames: FRAMES };

  // 1. matMul peak of the backend (best of a few square sizes).
  let peak = 0;
  for (const n of [256, 512, 1024]) {
    const a = tf.randomUniform([n, n]);
    const b = tf.randomUniform([n, n]);
    tf.matMul(a, b).dispose();
    const sec = best(5, () => tf.matMul(a, b).dataSync()).cpu;
    peak = Math.max(peak, (2 * n ** 3) / sec / 1e9);
    tf.dispose([a, b]);
  }
  out.backendMatMulPeakGflops = peak;

  // 2. onnxruntime-node fp32 matMul (the machine's practical rate) on 1 and 2 threads.
  try {
    out.onnxMatMulGflops1 = await onnxMatMulGflops(512, 1);
    out.onnxMatMulGflops2 = await onnxMatMulGflops(512, 2);
  } catch (err) {
    out.onnxError = (err as Error).message;
  }

  // 3. Training step: forward + CTC + backward + clip + AdamW + EMA-free update.
  const model = createStudent(MODEL, { seed: 1 });
  const batch = syntheticBatch(BATCH, FRAMES);
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.98, epsilon: 1e-9, weightDecay: 0.01 });
  const objective = ctcObjective();
  const run = (s: number): void => void trainStep(model, objective, batch, s, { optimizer, lr: 1e-4, clipNorm: 1, dropoutSeed: s });
  run(0);
  flopCounter.enabled = true;
  flopCounter.flops = 0;
  tf.tidy(() => void model.forward(batch.features, batch.lengths, { training: true }));
  flopCounter.enabled = false;
  const fwdFlops = flopCounter.flops;
  const stepFlops = 3 * fwdFlops; // backward of a matMul costs two matMuls of the same size
  const tensorsBefore = tf.memory().numTensors;
  const stepTime = best(STEPS, () => run(1));
  const stepSec = stepTime.cpu;
  out.stepSeconds = stepSec;
  out.stepWallSeconds = stepTime.wall;
  out.stepMatMulGflop = stepFlops / 1e9;
  out.trainGflops = stepFlops / stepSec / 1e9;
  out.trainFractionOfBackendPeak = (out.trainGflops as number) / peak;
  if (typeof out.onnxMatMulGflops2 === 'number') out.trainFractionOfOnnx2 = (out.trainGflops as number) / out.onnxMatMulGflops2;
  out.audioSecondsPerStep = batch.lengths.reduce((a, b) => a + b, 0) / 100;
  out.tensorLeakPerStep = (tf.memory().numTensors - tensorsBefore) / STEPS;
  tf.dispose([batch.features, batch.labels]);
  optimizer.dispose();

  // 4. Inference RTF on one core, 20 s of audio, fbank + model + greedy decode (best of 3): tfjs on the
  // training backend (wasm is single-threaded), and the exported ONNX graph in onnxruntime with 1 thread.
  const sr = 16000;
  const audio = Float32Array.from({ length: 20 * sr }, (_, i) => 0.1 * Math.sin(i * 0.05) + 0.01 * Math.sin(i * 1.3));
  const rtf = async (rec: { transcribe(a: Float32Array, r: number): Promise<string> }) => {
    await rec.transcribe(audio, sr);
    let cpu = Infinity;
    let wall = Infinity;
    for (let r = 0; r < 3; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await rec.transcribe(audio, sr);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1e6 / 20);
      wall = Math.min(wall, (performance.now() - t0) / 1000 / 20);
    }
    return { cpu, wall };
  };
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-bench-'));
  writeRecognizerFolder(model, bundle, { dtypes: ['fp32'] });
  const onnxRec = await loadRecognizer(bundle, { threads: 1 });
  const onnxRtf = await rtf(onnxRec);
  await onnxRec.dispose();
  fs.rmSync(bundle, { recursive: true, force: true });
  out.inferenceRtfOnnx = onnxRtf.cpu;
  out.inferenceRtfOnnxWall = onnxRtf.wall;
  const rec = new StudentRecognizer(model, undefined, MODEL);
  const tfjsRtf = await rtf(rec);
  out.inferenceRtf = tfjsRtf.cpu;
  out.inferenceRtfWall = tfjsRtf.wall;
  rec.dispose();
  out.peakRssMB = process.resourceUsage().maxRSS / 1024;

  const lines = [
    `backend ${out.backend}: matMul peak ${peak.toFixed(1)} GFLOP/s (CPU time); onnxruntime fp32 matMul ${Number(out.onnxMatMulGflops1 ?? NaN).toFixed(1)} (1 thread) / ${Number(out.onnxMatMulGflops2 ?? NaN).toFixed(1)} (2 threads, wall) GFLOP/s`,
    `${MODEL} train step (batch ${BATCH} x ${FRAMES} frames, ${(out.audioSecondsPerStep as number).toFixed(1)} s audio): ${stepSec.toFixed(2)} s CPU (${stepTime.wall.toFixed(2)} s wall), ${(stepFlops / 1e9).toFixed(1)} GFLOP of matMul -> ${(out.trainGflops as number).toFixed(2)} GFLOP/s = ${(100 * (out.trainFractionOfBackendPeak as number)).toFixed(0)}% of the backend peak, ${(100 * Number(out.trainFractionOfOnnx2 ?? NaN)).toFixed(0)}% of onnxruntime (2 threads)`,
    `${MODEL} inference RTF (1 core, 20 s utterance, fbank + model + greedy): onnxruntime ${(out.inferenceRtfOnnx as number).toFixed(4)} CPU (${(out.inferenceRtfOnnxWall as number).toFixed(4)} wall); tfjs ${String(out.backend)} ${(out.inferenceRtf as number).toFixed(4)} CPU (${(out.inferenceRtfWall as number).toFixed(4)} wall)`,
    `peak RSS ${(out.peakRssMB as number).toFixed(0)} MB; tensors leaked per step: ${out.tensorLeakPerStep}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(out, null, 1)}\n`);
}

if (values.workers !== undefined || values.child) {
  const workers = (values.workers ?? '1,2').split(',').map(Number);
  if (workers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--workers ${values.workers}: give a comma list of integers >= 1, e.g. 1,2`);
  // By default the batch student-s trains on in its presets (`full`, `librispeech-100`: batchFrames 8000,
  // i.e. 20 utterances of up to 400 frames); --batch 8 reproduces the earlier, smaller figure.
  const batch = Number(values.batch ?? 20);
  const o = { workers, steps: Number(values.steps ?? 10), model: MODEL, batch, frames: FRAMES, json: values.json, rounds: Number(values.rounds ?? 3) };
  if (values.child) await dataParallelBenchChild(o, values.measure ?? 'train', Number(values['workers-n'] ?? 1));
  else await runDataParallelBench(o);
} else {
  await main();
}
