// Before/after of a training step: two builds of this package (e.g. a `git worktree` of the previous commit,
// built with `npx tsc -b packages/student-trainer`, and this one) train the same model on the same batch in
// one process, alternating step by step, so the host's drift hits both alike. Both use this process's
// tensor backend (kernels of @speechkd/tensor-backend as installed here). Run:
//   node dist/bench/ab-step.js --before /path/to/old/packages/student-trainer/dist [--after dist] [--steps 12]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { initBackend } from '@speechkd/tensor-backend';
import type { TrainBatch } from '../train/batches.js';
import { syntheticBatch } from './synthetic-batch.js';

const { values } = parseArgs({
  options: { before: { type: 'string' }, after: { type: 'string' }, steps: { type: 'string' }, model: { type: 'string' }, batch: { type: 'string' }, frames: { type: 'string' } },
});
if (!values.before) {
  process.stderr.write('ab-step: --before <dist folder of the other build> is required\n');
  process.exit(2);
}
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const builds = { before: path.resolve(values.before), after: path.resolve(values.after ?? here) };
const MODEL = values.model ?? 'student-s';
const BATCH = Number(values.batch ?? 8);
const FRAMES = Number(values.frames ?? 400);
const STEPS = Number(values.steps ?? 12);

type Build = {
  createStudent(name: string, o: { seed: number }): { dispose(): void };
  AdamW: new (o: object) => unknown;
  ctcObjective(): unknown;
  trainStep(model: unknown, objective: unknown, batch: TrainBatch, step: number, o: object): { loss: number };
};

async function load(dist: string): Promise<Build> {
  const imp = (f: string) => import(pathToFileURL(path.join(dist, f)).href) as Promise<Record<string, unknown>>;
  const [student, opt, obj, step] = await Promise.all([imp('model/student.js'), imp('train/optimizer.js'), imp('train/objective.js'), imp('train/train-step.js')]);
  return { createStudent: student.createStudent, AdamW: opt.AdamW, ctcObjective: obj.ctcObjective, trainStep: step.trainStep } as Build;
}

async function main(): Promise<void> {
  await initBackend({ log: null });
  const before = await load(builds.before);
  const after = await load(builds.after);
  // Variable names count up per module instance: move the second build's counter past the first's.
  after.createStudent(MODEL, { seed: 1 }).dispose();
  const batch = syntheticBatch(BATCH, FRAMES);
  const runs = ([['before', before], ['after', after]] as const).map(([name, b]) => {
    const model = b.createStudent(MODEL, { seed: 1 });
    const optimizer = new b.AdamW({ beta1: 0.9, beta2: 0.98, epsilon: 1e-9, weightDecay: 0.01 });
    const objective = b.ctcObjective();
    const step = (s: number) => b.trainStep(model, objective, batch, s, { optimizer, lr: 1e-4, clipNorm: 1, dropoutSeed: s });
    return { name, step, seconds: [] as number[], losses: [] as number[] };
  });
  for (let s = 0; s < STEPS + 2; s++) {
    for (const r of s % 2 ? [...runs].reverse() : runs) {
      const c0 = process.cpuUsage();
      const out = r.step(s);
      const c = process.cpuUsage(c0);
      if (s >= 2) r.seconds.push((c.user + c.system) / 1e6); // the first two steps warm up
      r.losses.push(out.loss);
    }
    process.stderr.write(`\rab-step: step ${s + 1}/${STEPS + 2}`);
  }
  process.stderr.write('\n');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const r of runs) {
    console.log(`${r.name.padEnd(6)} ${MODEL} step (batch ${BATCH} x ${FRAMES}): median ${median(r.seconds).toFixed(3)} s CPU, min ${Math.min(...r.seconds).toFixed(3)} s (${r.seconds.length} steps)`);
  }
  console.log(`after/before median CPU time: ${(median(runs[1].seconds) / median(runs[0].seconds)).toFixed(3)}`);
  const drift = Math.max(...runs[0].losses.map((l, i) => Math.abs(l - runs[1].losses[i]) / Math.max(1e-9, Math.abs(l))));
  console.log(`largest relative difference of the two builds' losses over ${runs[0].losses.length} steps: ${drift.toExponential(2)}`);
}

await main();
