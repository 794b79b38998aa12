#!/usr/bin/env node
// What the teacher cache's storage options do to distillation, on the in-project pipeline: one speech teacher
// and one text tower, a cache per storage option (MiB per hour of audio, and how far its targets are from
// float16's), then student-xs distilled from each cache (and on the fly, and CTC-only) for each seed, one
// training at a time; dev WER/CER at the end of each. Every step is kept and reused on a rerun.
// Usage (after npm run build):
//   node apps/speechkd/scripts/storage-experiment.mjs --corpus DIR/SynthLibri --teacher MODEL_DIR --out DIR
//        [--steps 400] [--seeds 1,2] [--options ctc,float16,int8,int8-top8,int8-pool2,int8-proj,live] [--cores 1]
//        [--students-only] [--json FILE]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDistillConfig } from '@speechkd/distill';
import { readManifest } from '@speechkd/librispeech';
import { Trainer, readModelManifest, resolveModelConfig, resolveTrainConfig } from '@speechkd/student-trainer';
import {
  buildTeacherCache, loadAudioAt, loadInProjectSpeechTeacher, loadInProjectTextTeacher, openTeacherCache,
} from '@speechkd/teachers';
import { initBackend } from '@speechkd/tensor-backend';
import { TOWER_PRESETS, loadBrownSentences, readExcludeSet, resolveCheckpointDir, trainTextTower } from '@speechkd/text-encoders';

const { values: a } = parseArgs({
  options: {
    corpus: { type: 'string' }, teacher: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string', default: '400' },
    seeds: { type: 'string', default: '1,2' }, options: { type: 'string', default: 'ctc,float16,int8,int8-top8,int8-pool2,int8-proj,live' },
    cores: { type: 'string', default: '1' }, 'students-only': { type: 'boolean' }, json: { type: 'string' }, 'text-steps': { type: 'string', default: '100' },
  },
  strict: true,
});
if (!a.corpus || !a.teacher || !a.out) {
  process.stderr.write('usage: storage-experiment.mjs --corpus DIR/SynthLibri --teacher MODEL_DIR --out DIR [--steps N] [--seeds 1,2] [--options ...]\n');
  process.exit(2);
}
const log = (l) => process.stderr.write(`${l}\n`);
const steps = Number(a.steps);
const seeds = a.seeds.split(',').map(Number);
const threads = Number(a.cores);
const out = path.resolve(a.out);
fs.mkdirSync(out, { recursive: true });
const corpus = { train: path.join(a.corpus, 'train.jsonl'), dev: path.join(a.corpus, 'dev.jsonl'), test: path.join(a.corpus, 'test.jsonl') };
await initBackend({ backend: 'wasm', log: null });

const { numLayers: teacherLayers, dim: teacherDim } = readModelManifest(a.teacher).modelConfig;
// The pipeline's default `uniform4`: four evenly spaced block outputs.
const speechLayers = [...new Set(Array.from({ length: Math.min(4, teacherLayers) }, (_, j) => Math.round(((j + 1) * teacherLayers) / Math.min(4, teacherLayers))))];

/** Storage settings of each option (the float16 cache is the reference). */
const STORAGE = {
  float16: { hidden: 'float16' },
  int8: { hidden: 'int8' },
  'int8-top4': { hidden: 'int8', logitsTopK: 4 },
  'int8-top8': { hidden: 'int8', logitsTopK: 8 },
  'int8-pool2': { hidden: 'int8', pool: 2 },
  'int8-proj': { hidden: 'int8', projectDim: Math.round(teacherDim / 2), projectSeed: 1 },
};

const done = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);
const save = (file, v) => {
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(v, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return v;
};

// 1. The text tower: the pipeline's default (tiny, Brown sentences without the dev/test transcripts).
const towerDir = path.join(out, 'text-tower');
if (!done(path.join(out, 'text-tower.json'))) {
  const all = loadBrownSentences({ exclude: readExcludeSet([corpus.dev, corpus.test]) });
  const stride = Math.max(1, Math.floor(all.sentences.length / 10000));
  const sentences = all.sentences.filter((_, i) => i % stride === 0).slice(0, 10000);
  const r = await trainTextTower({ out: towerDir, sentences, steps: Number(a['text-steps']), seed: 1, arch: TOWER_PRESETS.tiny, log, workers: threads });
  save(path.join(out, 'text-tower.json'), { step: r.step, sentences: sentences.length });
}

// 2. One cache per storage option.
const options = a.options.split(',');
const caches = {};
for (const opt of options.filter((o) => STORAGE[o])) {
  const dir = path.join(out, `cache-${opt}`);
  const file = path.join(out, `cache-${opt}.json`);
  let rec = done(file);
  if (!rec && !a['students-only']) {
    const speech = await loadInProjectSpeechTeacher(a.teacher, { engine: 'onnx', threads });
    const text = await loadInProjectTextTeacher(towerDir);
    const entries = readManifest(corpus.train);
    let last = 0;
    const r = await buildTeacherCache({
      entries, outDir: dir, loadAudio: loadAudioAt, speech, speechLayers, text, textLayers: [text.numLayers], storage: STORAGE[opt],
      onProgress: (p) => {
        if (p.elapsedSeconds - last < 30 && p.done < p.total) return;
        last = p.elapsedSeconds;
        log(`[cache ${opt}] ${p.done}/${p.total} utterances, ${(p.audioSeconds / Math.max(p.elapsedSeconds, 1e-9)).toFixed(1)}x realtime`);
      },
    });
    await speech.dispose();
    await text.dispose();
    const c = await openTeacherCache(dir);
    let bytes = 0;
    let seconds = 0;
    for (const id of c.ids()) {
      bytes += c.entry(id).length;
      seconds += c.entry(id).duration;
    }
    await c.close();
    rec = save(file, { option: opt, storage: STORAGE[opt], utterances: r.total, audioHours: seconds / 3600, mib: bytes / 2 ** 20, mibPerHour: bytes / 2 ** 20 / (seconds / 3600), buildSeconds: r.elapsedSeconds });
  }
  if (rec) caches[opt] = rec;
}

// How far each option's targets are from the float16 cache's, on 40 training utterances: relative L2 error of
// the hidden states (int8, same shapes) and the KL divergence of the teacher's T = 3 posteriors (top-K).
if (caches.float16) {
  const ref = await openTeacherCache(path.join(out, 'cache-float16'));
  const ids = ref.ids().slice(0, 40);
  for (const opt of Object.keys(caches).filter((o) => o !== 'float16' && caches[o].fidelity === undefined)) {
    const c = await openTeacherCache(path.join(out, `cache-${opt}`));
    let num = 0;
    let den = 0;
    let kl = 0;
    let frames = 0;
    for (const id of ids) {
      const [x, y] = [await ref.get(id), await c.get(id)];
      for (const [l, t] of x.speech.layers) {
        const u = y.speech.layers.get(l);
        if (u.shape.join() !== t.shape.join()) continue;
        for (let i = 0; i < t.data.length; i++) {
          num += (u.data[i] - t.data[i]) ** 2;
          den += t.data[i] ** 2;
        }
      }
      const [p, q] = [x.speech.logits, y.speech.logits];
      if (p && q && p.shape.join() === q.shape.join()) {
        const [n, v] = p.shape;
        for (let f = 0; f < n; f++) {
          const sm = (z) => {
            const row = Array.from(z.subarray(f * v, (f + 1) * v), (e) => e / 3);
            const m = Math.max(...row);
            const s = row.reduce((acc, e) => acc + Math.exp(e - m), 0);
            return row.map((e) => Math.exp(e - m) / s);
          };
          const [pp, qq] = [sm(p.data), sm(q.data)];
          kl += pp.reduce((acc, e, i) => acc + (e > 0 ? e * Math.log(e / Math.max(qq[i], 1e-30)) : 0), 0);
          frames++;
        }
      }
    }
    await c.close();
    caches[opt].fidelity = { hiddenRelL2: den > 0 && num > 0 ? Math.sqrt(num / den) : null, logitsKlT3: frames ? kl / frames : null };
    save(path.join(out, `cache-${opt}.json`), caches[opt]);
  }
  await ref.close();
}

// 3. Students, one training at a time.
const rows = [];
for (const seed of seeds) {
  for (const opt of options) {
    const runDir = path.join(out, `student-${opt}-seed${seed}`);
    const file = `${runDir}.json`;
    let rec = done(file);
    if (!rec) {
      const cfg = resolveTrainConfig(undefined, {
        model: 'student-xs', steps, runDir, workers: threads, train: corpus.train, dev: corpus.dev, seed, lr: 1e-3, warmupSteps: 20, decay: 'constant',
        batchFrames: 1000, specAugment: false, dropout: 0, evalEvery: 0, evalMaxUtts: 0, checkpointEvery: Math.min(100, steps), backend: 'wasm', logEvery: 10,
        emaDecay: Math.max(0, Math.min(0.999, 1 - 10 / steps)),
      });
      const { numLayers, dim } = resolveModelConfig('student-xs');
      const student = { numLayers, dim };
      const config = resolveDistillConfig({ seed });
      const spec = opt === 'ctc' ? undefined : {
        module: '@speechkd/distill', factory: 'openDistillObjective',
        options: opt === 'live'
          ? { live: { speechTeacher: a.teacher, textTeacher: towerDir, manifests: [corpus.train], speechLayers, textLayers: [readTowerLayers(towerDir)], threads }, student, config }
          : { cacheDir: path.join(out, `cache-${opt}`), student, config },
      };
      const t0 = performance.now();
      const trainer = await Trainer.create(cfg, { resume: true, objectiveSpec: spec, log });
      let summary;
      try {
        summary = await trainer.run();
      } finally {
        trainer.dispose();
      }
      rec = save(file, {
        option: opt, seed, steps: summary.step, devWer: summary.dev?.wer ?? null, devCer: summary.dev?.cer ?? null, devUtts: summary.dev?.utterances ?? 0,
        wallSeconds: (performance.now() - t0) / 1000, lastLoss: summary.lastLoss,
      });
    }
    rec.secondsPerStep = secondsPerStep(runDir);
    rec.tailCtcLoss = tailCtcLoss(runDir, steps);
    rows.push(rec);
    log(`[student ${opt} seed ${seed}] dev WER ${(100 * rec.devWer).toFixed(2)}% CER ${(100 * rec.devCer).toFixed(2)}%, CTC loss of the last quarter ${rec.tailCtcLoss?.toFixed(3)} (${rec.secondsPerStep?.toFixed(3)} s/step)`);
  }
}

/**
 * Median seconds per step between consecutive logged steps (wall clock in metrics.jsonl): robust to the run
 * having been paused, e.g. while a benchmark had the machine.
 */
function secondsPerStep(runDir) {
  const rows = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.type === 'train');
  const d = [];
  for (let i = 1; i < rows.length; i++) d.push((Date.parse(rows[i].time) - Date.parse(rows[i - 1].time)) / 1000 / (rows[i].step - rows[i - 1].step));
  d.sort((x, y) => x - y);
  return d.length ? d[Math.floor(d.length / 2)] : null;
}

/**
 * Mean CTC loss of the logged training steps in the last quarter of the run: with the same seed every student
 * sees the same batches, so this compares the options where a short run's dev WER is still ~100% for all.
 */
function tailCtcLoss(runDir, total) {
  const rows = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((m) => m.type === 'train' && m.step > 0.75 * total);
  const xs = rows.map((m) => m['loss/ctc'] ?? m.loss).filter(Number.isFinite);
  return xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null;
}

/** The text tower's last layer (the one the caches store). */
function readTowerLayers(dir) {
  return JSON.parse(fs.readFileSync(path.join(resolveCheckpointDir(dir), 'config.json'), 'utf8')).model.layers;
}

// 4. Report.
const pct = (x) => (x === null || x === undefined ? 'n/a' : (100 * x).toFixed(2));
const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
console.log(`\nteacher ${a.teacher} (layers ${speechLayers.join(',')} + logits cached), text tower ${towerDir}; student-xs, ${steps} steps, seeds ${seeds.join(',')}, ${threads} core(s)\n`);
console.log('| option | cache MiB / h | hidden rel. L2 vs float16 | KL(T=3) vs float16 | dev WER % per seed | dev CER % per seed | mean WER / CER % | train CTC loss, last quarter, per seed | s / step |');
console.log('|---|---:|---:|---:|---|---|---:|---|---:|');
for (const opt of options) {
  const rs = rows.filter((r) => r.option === opt);
  const c = caches[opt];
  console.log(`| ${opt} | ${c ? c.mibPerHour.toFixed(1) : '-'} | ${c?.fidelity?.hiddenRelL2?.toExponential(2) ?? '-'} | ${c?.fidelity?.logitsKlT3?.toExponential(2) ?? '-'} | ${rs.map((r) => pct(r.devWer)).join(' / ')} | ${rs.map((r) => pct(r.devCer)).join(' / ')} | ${pct(mean(rs.map((r) => r.devWer)))} / ${pct(mean(rs.map((r) => r.devCer)))} | ${rs.map((r) => r.tailCtcLoss?.toFixed(3) ?? 'n/a').join(' / ')} | ${mean(rs.map((r) => r.secondsPerStep ?? NaN)).toFixed(3)} |`);
}
if (a.json) fs.writeFileSync(a.json, `${JSON.stringify({ steps, seeds, speechLayers, caches, rows }, null, 2)}\n`);
