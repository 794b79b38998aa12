#!/usr/bin/env node
// What each teacher-cache storage option changes in the targets a student is trained on, for a full-size
// 50 frames/s teacher (wav2vec2-base shape, made by datasets/fixtures/scripts/export-hf-fixtures.py) and the
// students' 25 frames/s: every option's stored tensors (through the cache's own record encoding, as a cache
// of those settings would give them back) are brought onto the student's frames the way the distillation
// objective does it (linear time resampling, @speechkd/alignment resampleTime) and compared with float32
// storage at the teacher's own rate treated the same way: relative L2 error of the hidden states (layers
// 3,6,9,12) and the mean KL divergence of the tempered (T = 3) teacher posteriors per student frame.
// Usage (after npm run build): node apps/speechkd/scripts/storage-fidelity.mjs [--root /tmp/hf-full]
//        [--speech wav2vec2-ctc-full-op14] [--utterances 8] [--json FILE]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { lengthsToMask, resampleTime } from '@speechkd/alignment';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { buildManifest } from '@speechkd/librispeech';
import { subsampledLength } from '@speechkd/student-trainer';
import { createLiveTargets, loadAudioAt, loadOnnxSpeechTeacher } from '@speechkd/teachers';
import { initBackend } from '@speechkd/tensor-backend';

const { values: a } = parseArgs({
  options: { root: { type: 'string', default: '/tmp/hf-full' }, speech: { type: 'string', default: 'wav2vec2-ctc-full-op14' }, utterances: { type: 'string', default: '8' }, json: { type: 'string' } },
  strict: true,
});
await initBackend({ backend: 'wasm', log: null });
const OPTIONS = {
  'float32 (reference)': { hidden: 'float32' },
  float16: { hidden: 'float16' },
  int8: { hidden: 'int8' },
  'float16 pool 2': { hidden: 'float16', pool: 2 },
  'int8 pool 2': { hidden: 'int8', pool: 2 },
  'int8 pool 2 top-8 logits': { hidden: 'int8', pool: 2, logitsTopK: 8 },
  'int8 pool 2 project 384': { hidden: 'int8', pool: 2, projectDim: 384, projectSeed: 1 },
};
const LAYERS = [3, 6, 9, 12];
const T = 3;

const entries = [];
for (const s of ['test-other', 'test-clean', 'dev-clean']) entries.push(...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, s)).entries);
const utts = entries.slice(0, Number(a.utterances)).map((e) => ({ id: e.id, audio: e.audio, text: e.text, duration: e.duration }));
const teacher = await loadOnnxSpeechTeacher(path.join(a.root, a.speech), { threads: 1 });
// The teacher runs once per utterance; every option encodes the same outputs.
const memo = new Map();
const speech = new Proxy(teacher, {
  get(t, k) {
    if (k === 'extract') return async (x, o) => memo.get(x.length) ?? memo.set(x.length, await t.extract(x, o)).get(x.length);
    if (k === 'dispose') return async () => undefined;
    const v = Reflect.get(t, k);
    return typeof v === 'function' ? v.bind(t) : v;
  },
});

/** [frames, dim] -> the student's frames of this utterance (as the objective does when the rates differ). */
function onStudentFrames(tensor, studentFrames) {
  const [frames, dim] = tensor.shape;
  if (frames === studentFrames) return Float32Array.from(tensor.data);
  return tf.tidy(() => resampleTime(tf.tensor3d(tensor.data, [1, frames, dim]), undefined, lengthsToMask([studentFrames], studentFrames)).dataSync());
}
const softmaxRows = (x, rows, cols) => {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c] / T);
    let s = 0;
    for (let c = 0; c < cols; c++) s += out[r * cols + c] = Math.exp(x[r * cols + c] / T - m);
    for (let c = 0; c < cols; c++) out[r * cols + c] /= s;
  }
  return out;
};

const targets = {};
// Scale of a time shift: how far the reference's consecutive 50 frames/s hidden states are from each other.
let adjNum = 0;
let adjDen = 0;
for (const [name, storage] of Object.entries(OPTIONS)) {
  const live = createLiveTargets({ entries: utts, loadAudio: loadAudioAt, speech, speechLayers: LAYERS, speechLogits: true, storage });
  targets[name] = [];
  for (const u of utts) {
    const t = await live.get(u.id);
    const samples = Math.round(t.duration * 16000);
    const student = subsampledLength(1 + Math.floor((samples - 400) / 160)); // Kaldi fbank frames (25 ms / 10 ms), then the students' x4
    if (name === 'float32 (reference)') {
      for (const l of LAYERS) {
        const { shape: [n, d], data } = t.speech.layers.get(l);
        for (let f = 0; f + 1 < n; f++) for (let c = 0; c < d; c++) {
          adjNum += (data[(f + 1) * d + c] - data[f * d + c]) ** 2;
          adjDen += data[f * d + c] ** 2;
        }
      }
    }
    targets[name].push({
      layers: LAYERS.map((l) => onStudentFrames(t.speech.layers.get(l), student)), logits: onStudentFrames(t.speech.logits, student), frames: student,
      vocab: t.speech.logits.shape[1], storedFrames: t.speech.layers.get(LAYERS[0]).shape[0], dim: t.speech.layers.get(LAYERS[0]).shape[1],
    });
  }
  await live.dispose();
}
await teacher.dispose();

const ref = targets['float32 (reference)'];
const rows = [];
for (const name of Object.keys(OPTIONS)) {
  const got = targets[name];
  let num = 0;
  let den = 0;
  let kl = 0;
  let frames = 0;
  for (let i = 0; i < ref.length; i++) {
    if (got[i].dim === ref[i].dim) {
      for (let l = 0; l < LAYERS.length; l++) {
        const [x, y] = [ref[i].layers[l], got[i].layers[l]];
        for (let j = 0; j < x.length; j++) {
          num += (y[j] - x[j]) ** 2;
          den += x[j] ** 2;
        }
      }
    }
    const [p, q] = [softmaxRows(ref[i].logits, ref[i].frames, ref[i].vocab), softmaxRows(got[i].logits, got[i].frames, got[i].vocab)];
    for (let j = 0; j < p.length; j++) if (p[j] > 0) kl += p[j] * Math.log(p[j] / Math.max(q[j], 1e-30));
    frames += ref[i].frames;
  }
  rows.push({ option: name, storedFramesPerSecond: 50 / (OPTIONS[name].pool ?? 1), hiddenRelL2: got[0].dim === ref[0].dim ? Math.sqrt(num / den) : null, klT3: kl / frames });
}
const audio = utts.reduce((s, u) => s + u.duration, 0);
console.log(`\n${a.speech}, layers ${LAYERS.join(',')} + logits, ${utts.length} LibriSpeech sample utterances (${audio.toFixed(1)} s), on the students' 25 frames/s`);
console.log(`(consecutive 50 frames/s hidden states of the reference differ by ${Math.sqrt(adjNum / adjDen).toExponential(2)}, relative L2: the scale of a one-teacher-frame, 20 ms, shift)\n`);
console.log('| storage | stored frames/s | hidden-state rel. L2 error vs float32 | KL(T=3) vs float32, nats per student frame |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.option} | ${r.storedFramesPerSecond} | ${r.hiddenRelL2 === null ? 'n/a (other width)' : r.hiddenRelL2.toExponential(2)} | ${r.klT3.toExponential(2)} |`);
if (a.json) fs.writeFileSync(a.json, `${JSON.stringify({ speech: a.speech, utterances: utts.length, audioSeconds: audio, adjacentFrameRelL2: Math.sqrt(adjNum / adjDen), rows }, null, 2)}\n`);
