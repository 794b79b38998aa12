import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyBert } from '@speechkd/onnx-graph';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { BERT_BASE_UNCASED_DIR, disposeEncoding, loadOnnxTextTeacher } from '@speechkd/text-encoders';
import { buildTeacherCache, openTeacherCache, textTeacherForCache } from '../src/index.js';
import { FakeSpeechTeacher, fakeEntries, fakeLoadAudio } from './fake-teachers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-text-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend({ log: null });
});

describe('text teacher in the cache (tiny ONNX BERT, real tokenizer)', () => {
  it('stores unpadded token ids and per-layer states equal to the padded batch rows', async () => {
    const dir = path.join(root, 'bert');
    fs.cpSync(BERT_BASE_UNCASED_DIR, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.onnx'), buildTinyBert({ vocabSize: 30522, numLayers: 2, maxPositions: 64, seed: 2 }).bytes);
    const teacher = await loadOnnxTextTeacher(dir);
    const entries = fakeEntries(5).map((e, i) => ({ ...e, text: ['HELLO WORLD', "IT'S A LONGER SENTENCE THAN THE FIRST", 'A', 'THE QUICK BROWN FOX', 'YES'][i] }));
    const before = tf.memory().numTensors;
    const out = path.join(root, 'cache');
    await buildTeacherCache({ entries, outDir: out, loadAudio: fakeLoadAudio, speech: new FakeSpeechTeacher(), speechLayers: [3], text: textTeacherForCache(teacher), textLayers: [0, 2], textBatch: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const cache = await openTeacherCache(out, { expectFingerprint: { text: teacher.fingerprint } });
    expect(cache.header.text).toMatchObject({ layers: [0, 2], dim: 16, numLayers: 2 });
    const enc = await teacher.encode(entries.map((e) => e.text));
    const [, tokens] = enc.tokenIds.shape;
    const ids = enc.tokenIds.arraySync();
    const h2 = enc.hiddenStates[2].arraySync();
    for (let b = 0; b < entries.length; b++) {
      const got = await cache.get(entries[b].id);
      const n = got.text!.ids.length;
      expect(Array.from(got.text!.ids)).toEqual(ids[b].slice(0, n));
      expect(n === tokens || ids[b][n] === 0).toBe(true); // the rest is padding
      expect(got.text!.layers.get(2)!.shape).toEqual([n, 16]);
      const flat = got.text!.layers.get(2)!.data;
      for (let t = 0; t < n; t++) for (let d = 0; d < 16; d += 5) expect(flat[t * 16 + d]).toBeCloseTo(h2[b][t][d], 2);
    }
    disposeEncoding(enc);
    await cache.close();
    await teacher.dispose();
  });
});
