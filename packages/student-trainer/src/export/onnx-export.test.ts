import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { CmvnStats } from '@speechkd/audio-features';
import { computeFeatures, loadRecognizer } from '@speechkd/recognizer';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { createStudent } from '../model/student.js';
import { saveModel } from '../model/io.js';
import { loadTfjsRecognizer } from '../inference/tfjs-recognizer.js';
import { exportRecognizerFolder } from './export-recognizer.js';
import { ONNX_IO, exportOnnx } from './onnx-export.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-onnx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend({ log: null });
});

async function runOnnx(bytes: Uint8Array, x: Tensor3D, lengths: number[]) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const [b, t, f] = x.shape;
  const out = await session.run({
    [ONNX_IO.features]: new ort.Tensor('float32', x.dataSync() as Float32Array, [b, t, f]),
    [ONNX_IO.lengths]: new ort.Tensor('int64', BigInt64Array.from(lengths, (l) => BigInt(l)), [b]),
  });
  await session.release();
  return { logits: out[ONNX_IO.logits].data as Float32Array, dims: out[ONNX_IO.logits].dims, lengths: Array.from(out[ONNX_IO.logitLengths].data as BigInt64Array, Number) };
}

describe('exportOnnx', () => {
  for (const preset of ['test-tiny', 'student-xs']) {
    it(`${preset}: onnxruntime gives the tfjs logits on every valid frame of a padded batch`, async () => {
      const model = createStudent(preset, { seed: 4 });
      const lengths = [163, 120, 9];
      const x = tf.randomNormal([3, 163, 80], 0, 1, 'float32', 7) as Tensor3D;
      const ref = tf.tidy(() => {
        const o = model.forward(x, lengths);
        return { logits: o.logits.arraySync() as number[][][], lengths: o.outputLengths };
      });
      const got = await runOnnx(exportOnnx(model), x, lengths);
      expect(got.lengths).toEqual(ref.lengths);
      expect(got.dims).toEqual([3, ref.logits[0].length, model.config.vocabSize]);
      let maxDiff = 0;
      const [, t, v] = got.dims as number[];
      ref.lengths.forEach((len, b) => {
        for (let i = 0; i < len; i++) for (let k = 0; k < v; k++) maxDiff = Math.max(maxDiff, Math.abs(got.logits[(b * t + i) * v + k] - ref.logits[b][i][k]));
      });
      expect(maxDiff).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    }, 60_000);
  }

  it('rejects a model whose width is odd', () => {
    const model = createStudent('test-tiny', { seed: 1, overrides: { dim: 18, numHeads: 2 } });
    const odd = { ...model, config: { ...model.config, dim: 17 } } as typeof model;
    expect(() => exportOnnx(odd)).toThrow(/dim 17 must be even/);
    model.dispose();
  });
});

describe('the model folder', () => {
  it('transcribes in @speechkd/recognizer (onnxruntime, every dtype) like the tfjs recognizer (same features, CMVN and decoding)', async () => {
    const model = createStudent('test-tiny', { seed: 9 });
    // Audio: chirps with noise at 16 kHz and 8 kHz (resampled), different lengths.
    const audio = [1.3, 0.7, 2.1].map((sec, j) => {
      const rate = j === 1 ? 8000 : 16000;
      const s = new Float32Array(Math.round(sec * rate));
      for (let i = 0; i < s.length; i++) s[i] = 0.3 * Math.sin((2 * Math.PI * (200 + 300 * j) * i * (1 + i / s.length)) / rate) + 0.01 * Math.sin(i * 12.9898);
      return { samples: s, sampleRate: rate };
    });
    const stats = new CmvnStats(80);
    for (const a of audio) stats.accumulate(computeFeatures(a.samples, a.sampleRate));
    const modelDir = path.join(dir, 'bundle');
    saveModel(model, modelDir, { precision: 'float32', cmvn: stats.toJSON() });
    const tfjs = await loadTfjsRecognizer(modelDir);
    const want = await tfjs.transcribeBatch(audio);
    tfjs.dispose();
    expect(want.join('')).not.toBe(''); // random weights still emit characters

    exportRecognizerFolder(modelDir); // a bundle without recognizer.json, exported in place
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'recognizer.json'), 'utf8'));
    expect(Object.keys(manifest.onnx.variants)).toEqual(['fp32', 'fp16', 'q8']);
    const sizes = ['fp32', 'fp16', 'q8'].map((d) => fs.statSync(path.join(modelDir, manifest.onnx.variants[d].file)).size);
    expect(sizes.map((b, i) => manifest.onnx.variants[['fp32', 'fp16', 'q8'][i]].bytes)).toEqual(sizes);
    expect(sizes[2]).toBeLessThan(sizes[1]);
    expect(sizes[1]).toBeLessThan(sizes[0]);
    const onnx = await loadRecognizer(modelDir);
    expect(onnx.name).toBe('test-tiny (fp32, onnxruntime-node)');
    expect(await onnx.transcribeBatch(audio)).toEqual(want);
    expect(await onnx.transcribe(audio[2].samples, audio[2].sampleRate)).toBe(want[2]);
    await onnx.dispose();
    // fp16 and q8 store the weights as the trainer's float16 and int8 bundles do: same transcripts as tfjs on those.
    for (const [dtype, precision] of [['fp16', 'float16'], ['q8', 'int8']] as const) {
      const quantized = path.join(dir, precision);
      saveModel(model, quantized, { precision, cmvn: stats.toJSON() });
      const tfjsQ = await loadTfjsRecognizer(quantized);
      const wantQ = await tfjsQ.transcribeBatch(audio);
      tfjsQ.dispose();
      const rec = await loadRecognizer(modelDir, { dtype });
      expect(rec.modelBytes).toBe(sizes[dtype === 'fp16' ? 1 : 2]);
      expect(await rec.transcribeBatch(audio), dtype).toEqual(wantQ);
      await rec.dispose();
    }
    model.dispose();
  }, 60_000);
});
