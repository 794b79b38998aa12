#!/usr/bin/env node
// Teacher-cache benchmark: extraction throughput (x realtime) per teacher and the cost of reading cached
// targets relative to a student-s distillation step. Usage: node dist/bench/cache-bench.js [--quick] [--json FILE]
// With --real-size: the full-size exports' benchmark (real-size-bench.ts; its flags there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { buildManifest } from '@speechkd/librispeech';
import type { ManifestEntry } from '@speechkd/librispeech';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { buildTeacherCache } from '../cache/build-cache.js';
import { openTeacherCache } from '../cache/read-cache.js';
import { loadAudioAt } from '../cli/load-audio.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { benchOnnxBert, benchOnnxWav2vec2, benchTeacherM, benchTextTower } from './bench-teachers.js';
import { makeStudentStep, readBatchTargets } from './read-vs-step.js';
import { realSizeBench, realSizeChild } from './real-size-bench.js';

const argv = process.argv.slice(2);
if (argv[0] === '--real-size-child' || argv[0] === '--real-size-sizes') {
  await realSizeChild(argv);
  process.exit(0);
}
if (argv.includes('--real-size')) {
  const { values } = parseArgs({
    options: {
      'real-size': { type: 'boolean' }, root: { type: 'string' }, models: { type: 'string' }, text: { type: 'string' }, threads: { type: 'string' },
      utterances: { type: 'string' }, json: { type: 'string' }, storage: { type: 'string' },
    },
    strict: true,
  });
  await realSizeBench(values);
  process.exit(0);
}

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'string' }, keep: { type: 'boolean' } }, strict: true });
const backend = await initBackend({ log: null });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-teachers-bench-'));
const all = (await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'test-other')).entries.sort((a, b) => a.duration - b.duration);
const entries = args.quick ? all.slice(0, 6) : all;
const audioSeconds = entries.reduce((s, e) => s + e.duration, 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row { teacher: string; layers: string; utterances: number; audioSeconds: number; seconds: number; realtime: number; teacherRealtime: number; timing: Record<string, number>; mibPerHour: number }
const rows: Row[] = [];

async function extract(label: string, out: string, es: ManifestEntry[], t: { speech?: SpeechTeacher; text?: CacheTextTeacher }, speechLayers?: number[], textLayers?: number[]): Promise<void> {
  await t.speech?.extract(new Float32Array(16000)); // warm-up: first-run allocations are not throughput
  await t.text?.encode(['warm up']);
  const res = await buildTeacherCache({ entries: es, outDir: out, loadAudio: loadAudioAt, ...t, speechLayers, textLayers });
  const secs = es.reduce((s, e) => s + e.duration, 0);
  const layers = speechLayers ? `${speechLayers.join(',')}${res.header.speech?.logits ? ' + logits' : ''}` : `text ${textLayers!.join(',')} + ids`;
  rows.push({ teacher: label, layers, utterances: es.length, audioSeconds: secs, seconds: res.elapsedSeconds, realtime: secs / res.elapsedSeconds,
    teacherRealtime: secs / (speechLayers ? res.timing.speech : res.timing.text), timing: res.timing, mibPerHour: res.bytesWritten / 2 ** 20 / (secs / 3600) });
  process.stderr.write(`  ${label}: ${(secs / res.elapsedSeconds).toFixed(1)}x realtime (${JSON.stringify(res.timing)})\n`);
}

process.stderr.write(`teachers bench: ${entries.length} test-other utterances, ${audioSeconds.toFixed(1)} s audio, tfjs backend ${backend.name}, work dir ${work}\n`);
const teacherM = benchTeacherM();
await extract('teacher-m (in-project, untrained), tfjs', path.join(work, 'c-teacher-m'), entries, { speech: teacherM }, [4, 8]);
await teacherM.dispose();
for (const size of ['tiny', 'small'] as const) {
  const w = await benchOnnxWav2vec2(path.join(work, `w2v-${size}`), size);
  await extract(`wav2vec2-shaped ONNX ${size} (dim ${w.dim}, ${w.numLayers} layers)`, path.join(work, `c-w2v-${size}`), entries, { speech: w }, [1, w.numLayers]);
  await w.dispose();
}
for (const size of ['tiny', 'small'] as const) {
  const b = await benchOnnxBert(path.join(work, `bert-${size}`), size);
  await extract(`BERT-shaped ONNX ${size} (dim ${b.dim}, ${b.numLayers} layers)`, path.join(work, `c-bert-${size}`), entries, { text: b }, undefined, [b.numLayers]);
  await b.dispose();
}
const tower = await benchTextTower(path.join(work, 'tower'), all.map((e) => e.text.toLowerCase()));
await extract(`text tower (in-project mini-BERT, dim ${tower.dim}, ${tower.numLayers} layers), tfjs`, path.join(work, 'c-tower'), entries, { text: tower }, undefined, [tower.numLayers]);
await tower.dispose();

// Read cost vs a student-s step: 8 utterances, student layers 2 and 4 regress onto teacher-m layers 4 and 8.
const batchEntries = entries.slice(0, 8);
const utts = await Promise.all(batchEntries.map(async (e) => ({ id: e.id, text: e.text, samples: await loadAudioAt(e.audio, 16000) })));
const cache = await openTeacherCache(path.join(work, 'c-teacher-m'), { cacheBytes: 0 });
const ids = utts.map((u) => u.id);
const step = makeStudentStep(utts, 256, [2, 4]);
const reads: number[] = [];
const steps: number[] = [];
const reps = args.quick ? 2 : 3;
for (let r = 0; r <= reps; r++) {
  let t0 = performance.now();
  const targets = await readBatchTargets(cache, ids, [4, 8]);
  const read = performance.now() - t0;
  t0 = performance.now();
  step.step(targets);
  const st = performance.now() - t0;
  tf.dispose(targets);
  if (r > 0) {
    reads.push(read);
    steps.push(st);
  }
}
step.dispose();
await cache.close();
const batchAudio = batchEntries.reduce((s, e) => s + e.duration, 0);
const readShare = median(reads) / median(steps);
const result = {
  backend: backend.name, cpus: os.cpus().length, audioSeconds, rows,
  readVsStep: {
    batch: ids.length, batchAudioSeconds: batchAudio, stepMs: median(steps), readMs: median(reads), readShare,
  },
};

console.log(`\n| teacher | cached | utts | audio s | wall s | x realtime (whole build) | x realtime (teacher only) | cache MiB / h audio |\n|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.teacher} | ${r.layers} | ${r.utterances} | ${r.audioSeconds.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.realtime.toFixed(1)} | ${r.teacherRealtime.toFixed(1)} | ${r.mibPerHour.toFixed(1)} |`);
}
const rv = result.readVsStep;
console.log(`\nstudent-s step (batch ${rv.batch}, ${rv.batchAudioSeconds.toFixed(1)} s audio, CTC + 2 hidden-state MSE, Adam, ${backend.name}): ${rv.stepMs.toFixed(0)} ms`);
console.log(`reading its cached teacher-m targets (layers 4,8 + logits, float16) into padded tensors: ${rv.readMs.toFixed(1)} ms = ${(100 * rv.readShare).toFixed(2)}% of the step (synchronous, no prefetch, LRU off, page cache warm)`);
if (args.json) fs.writeFileSync(args.json, JSON.stringify(result, null, 2) + '\n');
if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
