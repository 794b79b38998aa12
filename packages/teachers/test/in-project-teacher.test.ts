import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CmvnStats, kaldiFbank } from '@speechkd/audio-features';
import { createStudent, saveModel, subsampledLength } from '@speechkd/student-trainer';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { TeacherLoadError, createModelSpeechTeacher, loadInProjectSpeechTeacher } from '../src/index.js';
import type { FeatureFrames } from '../src/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-inproj-'));
beforeAll(async () => {
  await initBackend({ log: null });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Kaldi fbank on int16-scaled samples (torchaudio convention), 80 bins, 10 ms shift.
const fbank = (x: Float32Array): FeatureFrames => kaldiFbank(x.map((v) => v * 32768), { numMelBins: 80 });
const wave = Float32Array.from({ length: 16000 }, (_, i) => 0.2 * Math.sin(i / 13) + 0.05 * Math.sin(i / 3.1));

describe('in-project speech teacher (untrained test-tiny model)', () => {
  it('returns the subsampling output + every block [frames, dim] and logits at 25 frames/s, leak-free', async () => {
    const model = createStudent('test-tiny', { seed: 3 });
    const teacher = createModelSpeechTeacher(model, { features: fbank, featureRate: 100, subsampling: 4, featureConfig: { numMelBins: 80 }, name: 'test-tiny' });
    expect(teacher).toMatchObject({ frameRate: 25, dim: 16, numLayers: 2, vocabSize: 29, sampleRate: 16000 });
    const before = tf.memory().numTensors;
    const out = await teacher.extract(wave);
    expect(tf.memory().numTensors).toBe(before);
    const frames = subsampledLength(fbank(wave).numFrames);
    expect(out.numFrames).toBe(frames);
    expect(out.hiddenStates.map((h) => h!.length)).toEqual([frames * 16, frames * 16, frames * 16]);
    expect(out.logits!.length).toBe(frames * 29);
    // The same numbers as a direct forward pass.
    const f = fbank(wave);
    const ref = tf.tidy(() => {
      const o = model.forward(tf.tensor3d(f.data, [1, f.numFrames, 80]), [f.numFrames], { returnHidden: true });
      return [o.hiddenStates[1].dataSync(), o.logits.dataSync()];
    });
    expect(Array.from(out.hiddenStates[1]!)).toEqual(Array.from(ref[0]));
    expect(Array.from(out.logits!)).toEqual(Array.from(ref[1]));
    const some = await teacher.extract(wave, { layers: [2], logits: false });
    expect(some.hiddenStates[0]).toBeUndefined();
    expect(some.logits).toBeUndefined();
    await teacher.dispose();
  });

  it('fingerprints weights and feature config', () => {
    const opts = { features: fbank, featureRate: 100, subsampling: 4, featureConfig: { numMelBins: 80 }, ownsModel: false };
    const [a, b, c] = [createStudent('test-tiny', { seed: 3 }), createStudent('test-tiny', { seed: 3 }), createStudent('test-tiny', { seed: 4 })];
    const fa = createModelSpeechTeacher(a, opts).fingerprint;
    expect(createModelSpeechTeacher(b, opts).fingerprint).toBe(fa);
    expect(createModelSpeechTeacher(c, opts).fingerprint).not.toBe(fa);
    expect(createModelSpeechTeacher(a, { ...opts, featureConfig: { numMelBins: 80, cmvn: 'x' } }).fingerprint).not.toBe(fa);
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('loadInProjectSpeechTeacher (saved untrained test-tiny)', () => {
  it('loads a run directory through best/, applies the checkpoint CMVN, fingerprints the files', async () => {
    const model = createStudent('test-tiny', { seed: 5 });
    const cmvn = new CmvnStats(80).accumulate(fbank(wave));
    const run = path.join(root, 'run');
    saveModel(model, path.join(run, 'best'), { cmvn: cmvn.toJSON() });
    const teacher = await loadInProjectSpeechTeacher(run);
    expect(teacher).toMatchObject({ frameRate: 25, dim: 16, numLayers: 2, vocabSize: 29 });
    expect(teacher.name).toMatch(/^test-tiny\(.*best\)$/);
    const direct = createModelSpeechTeacher(model, { features: (x) => cmvn.apply(fbank(x)), featureRate: 100, subsampling: 4, featureConfig: null, ownsModel: false });
    const [a, b] = [await teacher.extract(wave), await direct.extract(wave)];
    expect(a.numFrames).toBe(b.numFrames);
    a.hiddenStates[2]!.forEach((v, i) => expect(v).toBeCloseTo(b.hiddenStates[2]![i], 4));
    const again = await loadInProjectSpeechTeacher(path.join(run, 'best'));
    expect(again.fingerprint).toBe(teacher.fingerprint);
    saveModel(createStudent('test-tiny', { seed: 6 }), path.join(root, 'other'), { cmvn: cmvn.toJSON() });
    const other = await loadInProjectSpeechTeacher(path.join(root, 'other'));
    expect(other.fingerprint).not.toBe(teacher.fingerprint);
    await Promise.all([teacher.dispose(), again.dispose(), other.dispose()]);
    model.dispose();
    await expect(loadInProjectSpeechTeacher(root + '/nothing')).rejects.toThrow(TeacherLoadError);
  });

  it('engine onnx: the exported graph with its hidden states gives the tfjs outputs on every layer (1e-4), under its own fingerprint', async () => {
    for (const preset of ['test-tiny', 'student-xs']) {
      const model = createStudent(preset, { seed: 7 });
      const cmvn = new CmvnStats(80).accumulate(fbank(wave));
      const dir = path.join(root, `onnx-${preset}`);
      saveModel(model, dir, { cmvn: cmvn.toJSON() });
      model.dispose();
      const [tfjs, onnx] = [await loadInProjectSpeechTeacher(dir), await loadInProjectSpeechTeacher(dir, { engine: 'onnx', threads: 2 })];
      expect(onnx.name).toMatch(/onnxruntime\)$/);
      expect(onnx.fingerprint).not.toBe(tfjs.fingerprint);
      expect([onnx.frameRate, onnx.dim, onnx.numLayers, onnx.vocabSize]).toEqual([tfjs.frameRate, tfjs.dim, tfjs.numLayers, tfjs.vocabSize]);
      const [a, b] = [await tfjs.extract(wave), await onnx.extract(wave)];
      expect(b.numFrames).toBe(a.numFrames);
      const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
      for (let l = 0; l <= tfjs.numLayers; l++) expect(maxDiff(b.hiddenStates[l]!, a.hiddenStates[l]!), `${preset} layer ${l}`).toBeLessThan(1e-4);
      expect(maxDiff(b.logits!, a.logits!)).toBeLessThan(1e-4);
      const some = await onnx.extract(wave, { layers: [1], logits: false });
      expect([some.hiddenStates[0], some.logits]).toEqual([undefined, undefined]);
      expect(Array.from(some.hiddenStates[1]!)).toEqual(Array.from(b.hiddenStates[1]!));
      await Promise.all([tfjs.dispose(), onnx.dispose()]);
    }
  });
});
