// Benchmark: generation speed (x realtime) per engine on one thread, and of the corpus pipeline on all cores.
// Run after build: `npm run bench -w @speechkd/synth` (or `node datasets/synth/dist/bench.js [--utts N]`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { synthesizeCorpus } from './corpus.js';
import { buildPlan } from './plan.js';
import { getPreset } from './presets.js';
import { renderUtterance } from './render.js';

const { values } = parseArgs({ options: { utts: { type: 'string', default: '40' }, engine: { type: 'string', default: '8' } }, strict: true });
const corpusUtts = Number(values.utts);
const perEngine = Number(values.engine);

const plan = buildPlan(getPreset('tiny'), { seed: 1 });
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const engine of ['espeak-ng', 'flite'] as const) {
  const utts = plan.utterances.filter((u) => u.voice.engine === engine).slice(0, perEngine);
  await renderUtterance(utts[0]); // warm-up: WASM compile
  let audio = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const u of utts) audio += (await renderUtterance(u)).duration;
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(`${engine.padEnd(9)} 1 thread: ${utts.length} utts, ${audio.toFixed(1)} s audio, ${wall.toFixed(2)} s wall `
    + `(${(audio / wall).toFixed(1)}x realtime), ${cpuS.toFixed(2)} s CPU (${(audio / cpuS).toFixed(1)}x realtime per CPU second)`);
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-synth-bench-'));
try {
  const workers = os.availableParallelism();
  const r = await synthesizeCorpus({ preset: 'tiny', out, seed: 1, workers, limit: corpusUtts });
  const audio = r.seconds.train + r.seconds.dev + r.seconds.test;
  console.log(`corpus   ${workers} workers: ${r.synthesized} utts, ${audio.toFixed(1)} s audio, ${r.wallSeconds.toFixed(2)} s wall `
    + `(${r.realtimeFactor.toFixed(1)}x realtime, including start-up and planning), ${r.failures.length} failed`);
  const tinyAudio = (audio / Math.max(1, r.synthesized)) * plan.utterances.length;
  console.log(`estimate: tiny preset (${plan.utterances.length} utts, ~${(tinyAudio / 60).toFixed(0)} min audio) `
    + `takes ~${(tinyAudio / r.realtimeFactor).toFixed(0)} s at this speed`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
