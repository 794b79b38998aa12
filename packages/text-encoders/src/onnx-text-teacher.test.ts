import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildTinyBert } from '@speechkd/onnx-graph';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { BERT_BASE_UNCASED_DIR, disposeEncoding, loadOnnxTextTeacher, TextTeacherError } from './index.js';

// A tiny BERT with the real 30,522-token vocabulary (hidden 16) plus the real tokenizer files.
function checkpoint(layout: 'flat' | 'optimum', seed = 5): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-bert-'));
  cpSync(BERT_BASE_UNCASED_DIR, dir, { recursive: true });
  const model = buildTinyBert({ vocabSize: 30522, numLayers: 3, maxPositions: 32, seed });
  const file = layout === 'flat' ? join(dir, 'model.onnx') : join(dir, 'onnx', 'model.onnx');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, model.bytes);
  return dir;
}

describe('loadOnnxTextTeacher (tiny BERT graph, real tokenizer)', () => {
  beforeAll(async () => {
    await initBackend({ log: null });
  });

  it('returns ids, mask and embeddings + every layer [batch, tokens, dim]; last = last_hidden_state', async () => {
    const dir = checkpoint('flat');
    const teacher = await loadOnnxTextTeacher(dir);
    expect([teacher.dim, teacher.numLayers]).toEqual([16, 3]);
    const before = tf.memory().numTensors;
    const enc = await teacher.encode(['hello world', 'the quick brown fox']);
    expect(enc.tokenIds.shape).toEqual([2, 6]);
    expect(Array.from(enc.tokenIds.dataSync().subarray(0, 4))).toEqual([101, 7592, 2088, 102]);
    expect(Array.from(enc.mask.dataSync())).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(enc.hiddenStates).toHaveLength(4);
    for (const h of enc.hiddenStates) expect(h.shape).toEqual([2, 6, 16]);
    // the original graph's only output equals the last exposed state
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const i64 = (a: Int32Array): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(Array.from(a, BigInt)), [2, 6]);
    const ids = enc.tokenIds.dataSync() as Int32Array;
    const out = await session.run({ input_ids: i64(ids), attention_mask: i64(Int32Array.from(enc.mask.dataSync())), token_type_ids: i64(new Int32Array(12)) });
    const last = enc.hiddenStates[3].dataSync();
    (out.last_hidden_state.data as Float32Array).forEach((v, i) => expect(last[i]).toBeCloseTo(v, 5));
    disposeEncoding(enc);
    expect(tf.memory().numTensors).toBe(before);
    await teacher.dispose();
  });

  it('finds onnx/model.onnx (optimum layout); fingerprint follows the weights', async () => {
    const a = await loadOnnxTextTeacher(checkpoint('optimum', 5));
    const b = await loadOnnxTextTeacher(checkpoint('flat', 5));
    const c = await loadOnnxTextTeacher(checkpoint('flat', 6));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.fingerprint).toMatch(/^onnx-bert:[0-9a-f]{32}$/);
  });

  it('refuses a missing folder, a folder without a model, and an offline hub id', async () => {
    await expect(loadOnnxTextTeacher('/no/such/dir')).rejects.toThrow(TextTeacherError);
    await expect(loadOnnxTextTeacher(mkdtempSync(join(tmpdir(), 'empty-')))).rejects.toThrow(/no fp32 model \(looked for onnx\/model\.onnx, model\.onnx\); this folder has no model\*\.onnx at all/);
    const cacheDir = mkdtempSync(join(tmpdir(), 'hf-empty-'));
    await expect(loadOnnxTextTeacher('Xenova/bert-base-uncased', { cacheDir })).rejects.toThrow(/Xenova\/bert-base-uncased@main is not in the hub cache .*pass allowRemote/);
  });
});
