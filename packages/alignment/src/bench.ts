// Benchmark: forward+backward time of each loss at training shapes, against a student training step
// measured in the same run on the same backend. Run: `npm run bench -w @speechkd/alignment`
// (after building), or `node packages/alignment/dist/bench.js --backend wasm --repeats 3`.
import { writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createTransformerStep } from './bench/transformer-step.js';
import { lossCases } from './bench/loss-cases.js';
import type { BenchShape } from './bench/loss-cases.js';

const USAGE = `usage: node dist/bench.js [--backend wasm|cpu] [--repeats N] [--batch 8] [--frames 400] [--dim 256]
  [--teacher-layers 12] [--student-dim 144] [--student-layers 6] [--only name,name] [--json FILE]`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, repeats: number): number {
  fn(); // warm-up (kernel compilation, allocation)
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        backend: { type: 'string', default: 'wasm' },
        repeats: { type: 'string', default: '3' },
        batch: { type: 'string', default: '8' },
        frames: { type: 'string', default: '400' },
        dim: { type: 'string', default: '256' },
        'teacher-layers': { type: 'string', default: '12' },
        'student-dim': { type: 'string', default: '144' },
        'student-layers': { type: 'string', default: '6' },
        only: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`bench: --${name} must be a positive integer, got ${v}\n`);
      process.exit(2);
    }
    return n;
  };
  const shape: BenchShape = {
    batch: int('batch', args.batch),
    frames: int('frames', args.frames),
    dim: int('dim', args.dim),
    teacherLayers: int('teacher-layers', args['teacher-layers']),
    studentDim: int('student-dim', args['student-dim']),
    studentLayers: int('student-layers', args['student-layers']),
    heads: 4,
    vocab: 29,
    tokens: Math.max(1, Math.round(int('frames', args.frames) / 5)),
  };
  const repeats = int('repeats', args.repeats);

  // Gradients in plain Node: see node-gradients.ts.
  await import('./node-gradients.js');
  if (args.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (args.backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else {
    process.stderr.write(`bench: --backend must be wasm or cpu, got ${args.backend}\n`);
    process.exit(2);
  }
  await tf.setBackend(args.backend);
  await tf.ready();

  const lengths = Array.from({ length: shape.batch }, (_, b) => shape.frames - Math.floor((b * shape.frames) / (4 * shape.batch)));
  const mask = tf.tidy(() => tf.cast(tf.less(tf.range(0, shape.frames, 1, 'int32'), tf.expandDims(tf.tensor1d(lengths, 'int32'), 1)), 'float32'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`[bench] backend ${tf.getBackend()}, batch ${shape.batch}, frames ${shape.frames}, dim ${shape.dim}, teacher layers ${shape.teacherLayers}, repeats ${repeats}`);

  const student = createTransformerStep({ batch: shape.batch, frames: shape.frames, dim: shape.studentDim, layers: shape.studentLayers, heads: shape.heads, ffDim: 4 * shape.studentDim, vocab: shape.vocab });
  const x = tf.randomNormal([shape.batch, shape.frames, shape.studentDim], 0, 1, 'float32', 1);
  log(`[bench] student step: ${shape.studentLayers} Transformer blocks, dim ${shape.studentDim}, ${(student.params / 1e6).toFixed(2)}M params ...`);
  const stepMs = time(() => student.step(x, mask), Math.min(repeats, 2));
  log(`[bench] student step ${stepMs.toFixed(0)} ms`);
  student.dispose();
  x.dispose();

  const only = args.only ? new Set(args.only.split(',')) : null;
  const rows: Array<{ loss: string; ms: number; ratio: number }> = [];
  const before = tf.memory().numTensors;
  for (const c of lossCases(shape, mask)) {
    if (only && !only.has(c.name)) {
      c.dispose();
      continue;
    }
    const ms = time(() => {
      const out = c.run();
      out.forEach((t: Tensor) => t.dataSync());
      tf.dispose(out);
    }, repeats);
    c.dispose();
    rows.push({ loss: c.name, ms, ratio: ms / stepMs });
    log(`[bench] ${c.name}: ${ms.toFixed(1)} ms (${((100 * ms) / stepMs).toFixed(2)}% of a step)`);
  }
  mask.dispose();
  const leaked = tf.memory().numTensors - before + 1;

  const lines = [
    `backend ${tf.getBackend()}; batch ${shape.batch}, ${shape.frames} frames, ${shape.dim} dims, ${shape.teacherLayers} teacher layers; median of ${repeats}`,
    `student training step (${shape.studentLayers} Transformer blocks, dim ${shape.studentDim}, Adam): ${stepMs.toFixed(0)} ms`,
    '',
    '| loss (forward + backward) | ms | % of step | < 10% |',
    '|---|---:|---:|:---:|',
    ...rows.map((r) => `| ${r.loss} | ${r.ms.toFixed(1)} | ${(100 * r.ratio).toFixed(2)} | ${r.ratio < 0.1 ? 'yes' : 'NO'} |`),
    '',
    `tensors left after all cases: ${leaked}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) {
    const tmp = `${args.json}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ backend: tf.getBackend(), shape, repeats, stepMs, rows }, null, 2));
    renameSync(tmp, args.json);
  }
}

await main();
