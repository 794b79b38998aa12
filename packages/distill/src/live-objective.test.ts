import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRISPEECH_SAMPLE_ROOT, hfExportDir } from '@speechkd/fixtures';
import { buildManifest, readManifest, writeManifest } from '@speechkd/librispeech';
import { CHAR_VOCAB, DEFAULT_TRAIN_CONFIG, Trainer, createStudent, saveModel } from '@speechkd/student-trainer';
import { buildTeacherCache, loadAudioAt, loadInProjectSpeechTeacher, loadTextTeacherFlag, openLiveTargets, openTeacherCache, readCtcVocab } from '@speechkd/teachers';
import { initBackend } from '@speechkd/tensor-backend';
import { loadBatchTargets, disposeBatchTargets, resolveDistillConfig, teacherLogitColumns } from './index.js';

// On-the-fly distillation: the teachers run during training instead of a cache. Real audio (the LibriSpeech
// sample), an in-project speech teacher through onnxruntime and the small BERT export as the text teacher.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-live-'));
const manifest = path.join(root, 'train.jsonl');
const teacherDir = path.join(root, 'teacher');
const TEXT = `onnx:${hfExportDir('bert-uncased', 14)}`;
let ids: string[] = [];

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: null });
  const entries = [];
  for (const subset of ['test-clean', 'dev-clean']) entries.push(...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, subset)).entries);
  writeManifest(manifest, entries);
  ids = entries.map((e) => e.id);
  const m = createStudent('test-tiny', { seed: 5 });
  saveModel(m, teacherDir);
  m.dispose();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('teacher CTC labels onto the students\' characters', () => {
  it('maps a Hugging Face wav2vec2 vocabulary (<pad> blank, | space), drops <s> </s> <unk>', () => {
    const vocab = readCtcVocab(hfExportDir('wav2vec2-ctc', 14), 32)!;
    const cols = teacherLogitColumns(vocab, 32)!;
    expect(cols).toHaveLength(CHAR_VOCAB.length);
    expect(vocab[cols[0]]).toBe('<pad>');
    expect(vocab[cols[1]]).toBe('|');
    expect(vocab[cols[2]]).toBe("'");
    for (let i = 3; i < CHAR_VOCAB.length; i++) expect(vocab[cols[i]]).toBe(CHAR_VOCAB[i]);
    expect(teacherLogitColumns(undefined, CHAR_VOCAB.length)).toBeNull();
    expect(teacherLogitColumns([...CHAR_VOCAB], CHAR_VOCAB.length)).toBeNull();
    expect(() => teacherLogitColumns(undefined, 32)).toThrow(/32 classes, the student's 29, and the cache holds no teacher labels/);
    expect(() => teacherLogitColumns(vocab.filter((l) => l !== 'Q'), 31)).toThrow(/have no "Q".*set kdWeight=0/);
  });
});

describe('on-the-fly teacher targets', () => {
  it('equal a float32 cache of the same teachers, value for value', async () => {
    const live = await openLiveTargets({ speechTeacher: teacherDir, textTeacher: TEXT, manifests: [manifest], speechLayers: [1, 2], textLayers: [2] });
    const out = path.join(root, 'cache');
    const speech = await loadInProjectSpeechTeacher(teacherDir, { engine: 'onnx', threads: 1 });
    const text = await loadTextTeacherFlag(TEXT, { threads: 1 });
    await buildTeacherCache({ entries: readManifest(manifest), outDir: out, loadAudio: loadAudioAt, speech, text, speechLayers: [1, 2], textLayers: [2], dtype: 'float32' });
    await speech.dispose();
    await text.dispose();
    const cache = await openTeacherCache(out);
    expect(live.header.fingerprint).toBe(cache.header.fingerprint);
    const req = { logits: true, speechLayers: [1, 2], textLayer: 2 };
    const batch = ids.slice(0, 5);
    const [a, b] = [await loadBatchTargets(live, batch, req), await loadBatchTargets(cache, batch, req)];
    for (const [x, y] of [[a.speechLogits!, b.speechLogits!], [a.text!, b.text!], [a.speechLayers.get(2)!, b.speechLayers.get(2)!]]) {
      expect(x.values.shape).toEqual(y.values.shape);
      expect(Array.from(x.values.dataSync())).toEqual(Array.from(y.values.dataSync()));
    }
    disposeBatchTargets(a);
    disposeBatchTargets(b);
    expect(live.stats().utterances).toBe(5);
    await live.dispose();
    await cache.close();
  }, 120_000);

  it('trains with two data-parallel worker threads, each with its own teacher sessions', async () => {
    const runDir = path.join(root, 'student');
    const trainer = await Trainer.create({
      ...DEFAULT_TRAIN_CONFIG, model: 'test-tiny', train: manifest, dev: '', runDir, steps: 3, batchFrames: 1500, maxBatch: 4, lr: 3e-3, warmupSteps: 1,
      checkpointEvery: 3, evalEvery: 0, logEvery: 1, backend: 'wasm', workers: 2,
    }, {
      log: () => undefined, progress: false,
      objectiveSpec: {
        module: '@speechkd/distill', factory: 'openDistillObjective',
        options: {
          live: { speechTeacher: teacherDir, textTeacher: TEXT, manifests: [manifest], speechLayers: [1, 2], textLayers: [2], threads: 1 },
          student: { numLayers: 2, dim: 16 }, config: resolveDistillConfig({ seed: 1 }),
        },
      },
    });
    try {
      const summary = await trainer.run();
      expect(summary.workers).toBe(2);
      expect(summary.step).toBe(3);
    } finally {
      trainer.dispose();
    }
    const rows = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.type === 'train');
    expect(rows).toHaveLength(3);
    for (const r of rows) for (const k of ['loss/ctc', 'loss/kd', 'loss/speech', 'loss/text']) expect(Number.isFinite(r[k] as number), k).toBe(true);
  }, 180_000);
});
