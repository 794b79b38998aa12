#!/usr/bin/env node
// What the teacher targets cost per training step, the librispeech-100 recipe's way: its student (student-s),
// its batches (--batch-frames 8000) and its teachers (full-size wav2vec2-base / BERT-base exports made by
// datasets/fixtures/scripts/export-hf-fixtures.py), on the real LibriSpeech sample (test-other + test-clean,
// 24 utterances). Three trainings of the same steps, one after the other, each timed from its metrics.jsonl
// (median seconds per step after the first): CTC only, distilled from a teacher cache (built first, the
// preset's int8 at 25 frames/s) and distilled on the fly (the teachers run in every step, one onnxruntime
// thread each, as the recipe's --teacherTargets=on-the-fly does).
// Usage (after npm run build): node apps/speechkd/scripts/live-step-cost.mjs [--root /tmp/hf-full]
//        [--speech wav2vec2-ctc-full-op14] [--text bert-uncased-full-op14] [--steps 5] [--out DIR] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDistillConfig } from '@speechkd/distill';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { buildManifest, writeManifest } from '@speechkd/librispeech';
import { Trainer, resolveModelConfig, resolveTrainConfig } from '@speechkd/student-trainer';
import { buildTeacherCache, loadAudioAt, loadSpeechTeacherFlag, loadTextTeacherFlag } from '@speechkd/teachers';
import { initBackend } from '@speechkd/tensor-backend';

const { values: a } = parseArgs({
  options: {
    root: { type: 'string', default: '/tmp/hf-full' }, speech: { type: 'string', default: 'wav2vec2-ctc-full-op14' }, text: { type: 'string', default: 'bert-uncased-full-op14' },
    steps: { type: 'string', default: '5' }, out: { type: 'string' }, json: { type: 'string' }, 'batch-frames': { type: 'string', default: '8000' },
  },
  strict: true,
});
const log = (l) => process.stderr.write(`${l}\n`);
const steps = Number(a.steps);
const out = path.resolve(a.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'live-step-cost-')));
fs.mkdirSync(out, { recursive: true });
const speechValue = `onnx:${path.join(a.root, a.speech)}`;
const textValue = `onnx:${path.join(a.root, a.text)}`;
for (const v of [speechValue, textValue]) if (!fs.existsSync(v.slice(5))) throw new Error(`${v.slice(5)}: missing; make the full-size exports with datasets/fixtures/scripts/export-hf-fixtures.py`);
await initBackend({ backend: 'wasm', log: null });

const train = path.join(out, 'train.jsonl');
const dev = path.join(out, 'dev.jsonl');
writeManifest(train, [...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'test-other')).entries, ...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'test-clean')).entries]);
writeManifest(dev, (await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'dev-clean')).entries);
const storage = { hidden: 'int8', pool: 2 };

// The teachers once, for their depth and the cache.
const speech = await loadSpeechTeacherFlag(speechValue, { threads: 1 });
const text = await loadTextTeacherFlag(textValue, { threads: 1 });
const speechLayers = [3, 6, 9, 12].filter((l) => l <= speech.numLayers); // the pipeline's uniform4 of a 12-layer teacher
const textLayers = [text.numLayers];
const cacheDir = path.join(out, 'cache');
const built = await buildTeacherCache({
  entries: (await import('@speechkd/librispeech')).readManifest(train), outDir: cacheDir, loadAudio: loadAudioAt, speech, speechLayers, speechLogits: true, text, textLayers, storage,
});
log(`[cache] ${built.total} utterances, ${(built.audioSeconds).toFixed(1)} s of audio, ${(built.audioSeconds / built.elapsedSeconds).toFixed(2)}x realtime (1 thread)`);
await speech.dispose();
await text.dispose();

const { numLayers, dim } = resolveModelConfig('student-s');
const student = { numLayers, dim };
const config = resolveDistillConfig({ seed: 1 });
const modes = {
  ctc: undefined,
  cache: { module: '@speechkd/distill', factory: 'openDistillObjective', options: { cacheDir, student, config } },
  'on-the-fly': {
    module: '@speechkd/distill', factory: 'openDistillObjective',
    options: { live: { speechTeacher: speechValue, textTeacher: textValue, manifests: [train], speechLayers, speechLogits: true, textLayers, storage, threads: 1 }, student, config },
  },
};
const rows = [];
for (const [mode, spec] of Object.entries(modes)) {
  const runDir = path.join(out, `student-${mode}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  const cfg = resolveTrainConfig(undefined, {
    model: 'student-s', steps, runDir, workers: 1, train, dev, seed: 1, lr: 1e-3, warmupSteps: 1, decay: 'constant', batchFrames: Number(a['batch-frames']),
    specAugment: false, evalEvery: 0, evalMaxUtts: 0, checkpointEvery: steps, backend: 'wasm', logEvery: 1,
  });
  const trainer = await Trainer.create(cfg, { resume: false, objectiveSpec: spec, log });
  try {
    await trainer.run();
  } finally {
    trainer.dispose();
  }
  const m = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'train');
  const d = [];
  for (let i = 1; i < m.length; i++) d.push((Date.parse(m[i].time) - Date.parse(m[i - 1].time)) / 1000);
  d.sort((x, y) => x - y);
  const frames = m.map((r) => r.frames).reduce((x, y) => x + y, 0) / m.length;
  rows.push({ mode, secondsPerStep: d[Math.floor(d.length / 2)], steps: m.length, meanFramesPerBatch: frames });
  log(`[${mode}] ${d[Math.floor(d.length / 2)].toFixed(2)} s/step (median of ${d.length}), ${frames.toFixed(0)} feature frames per batch`);
}
const ctc = rows[0].secondsPerStep;
console.log(`\nstudent-s, batches of ${a['batch-frames']} feature frames, ${steps} steps each, 1 worker (wasm); teachers ${a.speech} + ${a.text}, 1 onnxruntime thread each\n`);
console.log('| teacher targets | s / step | extra s / step over CTC only |');
console.log('|---|---:|---:|');
for (const r of rows) console.log(`| ${r.mode} | ${r.secondsPerStep.toFixed(2)} | ${r.mode === 'ctc' ? '-' : (r.secondsPerStep - ctc).toFixed(2)} |`);
if (a.json) fs.writeFileSync(a.json, `${JSON.stringify({ steps, batchFrames: Number(a['batch-frames']), cache: { utterances: built.total, audioSeconds: built.audioSeconds }, rows }, null, 2)}\n`);
