import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@speechkd/onnx-graph';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import {
  BERT_BASE_UNCASED_DIR, disposeEncoding, gatherRows, initTowerParams, loadBrownSentences, loadCheckpoint, loadTextTower,
  maskBatch, TextTowerError, towerForward, TOWER_PRESETS, trainTextTower,
} from '../index.js';
import { saveCheckpoint } from './checkpoint.js';

const tiny = TOWER_PRESETS.tiny;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'text-tower-'));

describe('text tower', () => {
  let sentences: string[];
  beforeAll(async () => {
    await initBackend({ log: null });
    sentences = loadBrownSentences({ maxWords: 20 }).sentences.slice(0, 200);
  });

  it('gatherRows: value and gradient equal a one-hot matMul (duplicates summed)', () => {
    const before = tf.memory().numTensors;
    const table = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as Tensor2D;
    const idx = tf.tensor1d([4, 1, 4, 0], 'int32') as Tensor1D;
    const w = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 1]]);
    const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as Tensor2D, idx), w)))(table);
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(idx, 5), t as Tensor2D), w)))(table);
    expect(Array.from(g1.dataSync())).toEqual(Array.from(g2.dataSync()));
    tf.dispose([table, idx, w, g1, g2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maskBatch: ~15% of non-special tokens, 80/10/10 replacement, specials untouched', () => {
    const rand = mulberry32(3);
    const seqs = Array.from({ length: 200 }, () => Int32Array.from({ length: 50 }, (_, t) => (t === 0 ? 2 : t === 49 ? 3 : 5 + Math.floor(rand() * 95))));
    const mb = maskBatch(seqs, { maskId: 4, numSpecial: 5, size: 100 }, mulberry32(9));
    const share = mb.positions.length / (200 * 48);
    expect(share).toBeGreaterThan(0.13);
    expect(share).toBeLessThan(0.17);
    const masked = Array.from(mb.positions).filter((p) => mb.inputIds[p] === 4).length / mb.positions.length;
    expect(masked).toBeGreaterThan(0.76);
    expect(masked).toBeLessThan(0.84);
    const kept = Array.from(mb.positions).filter((p, i) => mb.inputIds[p] === mb.labels[i]).length / mb.positions.length;
    expect(kept).toBeGreaterThan(0.07);
    expect(kept).toBeLessThan(0.14);
    for (const p of mb.positions) expect(p % 50).not.toBe(0);
    expect(maskBatch([Int32Array.from([2, 7, 3])], { maskId: 4, numSpecial: 5, size: 10 }, () => 0.99).positions).toHaveLength(1);
  });

  it('MLM loss decreases on a tiny run; resume reproduces an uninterrupted run exactly', async () => {
    const opts = { sentences, steps: 30, seed: 1, arch: tiny, batchSize: 16, lr: 1e-2, warmup: 5, checkpointEvery: 100, workers: 1 };
    const full = await trainTextTower({ ...opts, out: tmp() });
    const first = full.losses.slice(0, 6).reduce((a, b) => a + b) / 6;
    const last = full.losses.slice(-6).reduce((a, b) => a + b) / 6;
    expect(last).toBeLessThan(first - 0.3);
    expect(Number.isFinite(full.validationLoss)).toBe(true);

    const out = tmp();
    const part = await trainTextTower({ ...opts, out, stopAfter: 18 });
    expect(part.step).toBe(18);
    const rest = await trainTextTower({ ...opts, out });
    expect(rest.startStep).toBe(18);
    expect(rest.losses).toEqual(full.losses.slice(18));
    const a = await loadCheckpoint(full.checkpointDir);
    const b = await loadCheckpoint(out);
    expect(b.weightsSha256).toBe(a.weightsSha256);
    tf.dispose([...a.params.values(), ...b.params.values()]);
    // The folder's lock is released after a run and refuses a second trainer while held (here by a live process).
    const lock = join(out, 'train.lock');
    expect(existsSync(lock)).toBe(false);
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: 'speechkd-text-tower train (another)' }));
    await expect(trainTextTower({ ...opts, out, steps: 40 })).rejects.toThrow(/process \d+ \(speechkd-text-tower train \(another\)\) is already training here since .*; wait for it to finish or stop it/);
    rmSync(lock);
    await expect(trainTextTower({ ...opts, out, seed: 2 })).rejects.toThrow(TextTowerError);
    expect(existsSync(lock)).toBe(false); // released after a refused run too
  });

  it('save/load round-trip: loadTextTower gives the hidden states of the saved parameters', async () => {
    const config = { ...tiny, vocabSize: 40 };
    const vocabMap = [0, 100, 101, 102, 103, ...Array.from({ length: 35 }, (_, i) => 1996 + i)];
    const params = initTowerParams(config, 7);
    const out = tmp();
    await saveCheckpoint(out, { config: { model: config, step: 0, special: { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } }, params, vocabMap, tokenizerDir: BERT_BASE_UNCASED_DIR });
    const teacher = await loadTextTower(out);
    expect([teacher.dim, teacher.numLayers]).toEqual([32, 2]);
    const before = tf.memory().numTensors;
    const enc = await teacher.encode(['THE CAT', 'OF AND THE TO']);
    expect(enc.hiddenStates).toHaveLength(3);
    expect(enc.hiddenStates[2].shape).toEqual([2, 6, 32]);
    const ids = teacher.tokenizer.encodeBatch(['THE CAT', 'OF AND THE TO']);
    const compact = Int32Array.from(ids.ids, (id) => Math.max(0, vocabMap.indexOf(id) === -1 ? 1 : vocabMap.indexOf(id)));
    const ref = tf.tidy(() => towerForward(params, config, tf.tensor2d(compact, [2, 6], 'int32'), tf.tensor2d(Float32Array.from(ids.mask), [2, 6])));
    ref.forEach((r, l) => expect(Array.from(enc.hiddenStates[l].dataSync())).toEqual(Array.from(r.dataSync())));
    tf.dispose(ref);
    disposeEncoding(enc);
    expect(tf.memory().numTensors).toBe(before);
    const other = initTowerParams(config, 8);
    await saveCheckpoint(join(out, 'b'), { config: { model: config, step: 0, special: { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } }, params: other, vocabMap, tokenizerDir: BERT_BASE_UNCASED_DIR });
    expect((await loadTextTower(join(out, 'b'))).fingerprint).not.toBe(teacher.fingerprint);
    tf.dispose([...params.values(), ...other.values()]);
    await teacher.dispose();
  });

  it('loadTextTower refuses a folder that is not a checkpoint', async () => {
    await expect(loadTextTower(tmp())).rejects.toThrow(/not a text-tower checkpoint/);
  });
});
