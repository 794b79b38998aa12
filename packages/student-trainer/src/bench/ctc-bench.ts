// CTC loss benchmark: forward + backward of ctcLoss against PyTorch's CPU ctc_loss on the same inputs.
// Run after a build: node dist/bench/ctc-bench.js [--batch 8 --time 400 --vocab 32 --max-label 80 --repeats 20 --scale 1 --aligned 0]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { ctcLoss } from '../ctc/index.js';
import { Rng } from '@speechkd/random';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    time: { type: 'string', default: '400' },
    vocab: { type: 'string', default: '32' },
    'max-label': { type: 'string', default: '80' },
    repeats: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    // Logit multiplier: 1 is an untrained model's spread; 10-30 mimics a confident (peaky) trained model.
    scale: { type: 'string', default: '1' },
    // > 0: add this to the logit of a plausible alignment of the labels (a trained model's output shape).
    aligned: { type: 'string', default: '0' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
  strict: true,
});

function quantiles(ms: number[]): { best: number; median: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { best: s[0], median: s[Math.floor(s.length / 2)] };
}

async function main(): Promise<void> {
  const batch = Number(args.batch);
  const time = Number(args.time);
  const vocab = Number(args.vocab);
  const maxLabel = Number(args['max-label']);
  const repeats = Number(args.repeats);
  const rng = new Rng(Number(args.seed));
  const rand = (): number => rng.next();
  const info = await initBackend({ log: null });

  // Normal-ish logits (sum of uniforms), labels of length maxLabel/2..maxLabel over the non-blank classes.
  const scale = Number(args.scale);
  const logits = new Float32Array(batch * time * vocab).map(() => (rand() + rand() + rand() - 1.5) * scale);
  const labels = new Int32Array(batch * maxLabel).map(() => 1 + Math.floor(rand() * (vocab - 1)));
  const labelLengths = Array.from({ length: batch }, (_, b) => (b === 0 ? maxLabel : Math.ceil(maxLabel / 2 + rand() * (maxLabel / 2))));
  const logitLengths = Array.from({ length: batch }, () => time);
  const aligned = Number(args.aligned);
  if (aligned > 0) {
    // Label i is emitted on the first frame of the i-th of labelLength equal segments; blank (0) elsewhere.
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        const i = Math.floor((t * labelLengths[b]) / time);
        const first = Math.floor((i * time) / labelLengths[b]) === t;
        logits[(b * time + t) * vocab + (first ? labels[b * maxLabel + i] : 0)] += aligned;
      }
    }
  }

  const x = tf.tensor3d(logits, [batch, time, vocab]);
  const y = tf.tensor2d(labels, [batch, maxLabel], 'int32');
  const lossAndGrad = tf.valueAndGrad((z: Tensor) => ctcLoss(z as Tensor3D, y, logitLengths, labelLengths));
  const fwd: number[] = [];
  const both: number[] = [];
  const bothCpu: number[] = [];
  let loss = 0;
  let gradValues: ArrayLike<number> = new Float32Array(0);
  for (let i = 0; i < repeats + 2; i++) {
    const t0 = performance.now();
    const l = ctcLoss(x, y, logitLengths, labelLengths);
    l.dataSync();
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const { value, grad } = lossAndGrad(x);
    grad.dataSync();
    const t2 = performance.now();
    const c2 = process.cpuUsage(c1);
    if (i >= 2) {
      fwd.push(t1 - t0);
      both.push(t2 - t1);
      bothCpu.push((c2.user + c2.system) / 1000);
    }
    loss = value.dataSync()[0];
    gradValues = grad.dataSync();
    tf.dispose([l, value, grad]);
  }
  tf.dispose([x, y]);
  const js = { forward: quantiles(fwd), both: quantiles(both), cpu: quantiles(bothCpu) };
  console.log(`ctc benchmark: batch ${batch}, time ${time}, vocab ${vocab}, labels ${Math.min(...labelLengths)}..${maxLabel}, logit scale ${scale}, alignment boost ${aligned}, best/median of ${repeats}`);
  console.log(`  speechkd ctcLoss (${info.name} backend, Node ${process.version}): forward ${js.forward.best.toFixed(2)}/${js.forward.median.toFixed(2)} ms, forward+backward ${js.both.best.toFixed(2)}/${js.both.median.toFixed(2)} ms (CPU time ${js.cpu.best.toFixed(2)}/${js.cpu.median.toFixed(2)} ms), loss ${loss.toFixed(5)}`);

  const script = fileURLToPath(new URL('../../scripts/ctc-bench-torch.py', import.meta.url));
  const spec = { batch, time, vocab, maxLabelLength: maxLabel, logits: Array.from(logits), labels: Array.from(labels), logitLengths, labelLengths, repeats };
  const run = spawnSync(args.python ?? '/usr/bin/python3', [script], { input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.log(`  PyTorch comparison skipped: ${args.python} ${script} failed (${(run.stderr || String(run.error)).trim().split('\n').pop()})`);
    return;
  }
  const torch = JSON.parse(run.stdout) as { torch: string; loss: number; bestMs: number; medianMs: number; cpuBestMs: number; cpuMedianMs: number; forwardBestMs: number; forwardMedianMs: number; grad: number[]; grad64: number[] };
  console.log(`  PyTorch ${torch.torch} ctc_loss (CPU, 1 thread): forward ${torch.forwardBestMs.toFixed(2)}/${torch.forwardMedianMs.toFixed(2)} ms, forward+backward ${torch.bestMs.toFixed(2)}/${torch.medianMs.toFixed(2)} ms (CPU time ${torch.cpuBestMs.toFixed(2)}/${torch.cpuMedianMs.toFixed(2)} ms), loss ${torch.loss.toFixed(5)}`);
  const ratio = js.both.best / torch.bestMs;
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): string => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m.toExponential(2);
  };
  const maxGrad = torch.grad64.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  console.log(`  agreement: |loss diff| ${Math.abs(loss - torch.loss).toExponential(2)}; max |grad diff| vs PyTorch float64: speechkd ${maxDiff(gradValues, torch.grad64)}, PyTorch float32 ${maxDiff(torch.grad, torch.grad64)} (max |grad| ${maxGrad.toExponential(2)})`);
  const cpuRatio = js.cpu.best / torch.cpuBestMs;
  console.log(`  forward+backward ratio speechkd/PyTorch (best of ${repeats}): wall ${ratio.toFixed(2)}, CPU time ${cpuRatio.toFixed(2)} (goal <= 2)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
