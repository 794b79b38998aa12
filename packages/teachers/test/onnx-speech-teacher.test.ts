import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyWav2vec2, wav2vec2FrameCount } from '@speechkd/onnx-graph';
import { TeacherLoadError, buildTeacherCache, convFrameCount, convFrameRate, loadOnnxSpeechTeacher, openTeacherCache, zeroMeanUnitVariance } from '../src/index.js';
import { fakeEntries, fakeLoadAudio } from './fake-teachers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-onnx-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function writeTeacherDir(name: string, opts: { config?: boolean; normalize?: boolean; seed?: number } = {}) {
  const model = buildTinyWav2vec2({ ctcVocabSize: 7, numLayers: 3, seed: opts.seed ?? 3 });
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), model.bytes);
  fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify({ do_normalize: opts.normalize ?? true, sampling_rate: 16000, feature_size: 1, padding_value: 0 }));
  if (opts.config !== false) {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'wav2vec2', conv_kernel: [10, 3], conv_stride: [5, 2], hidden_size: 16, num_hidden_layers: 3, vocab_size: 7 }));
  }
  return { dir, model };
}

const wave = Float32Array.from({ length: 4000 }, (_, i) => 0.3 * Math.sin(i / 9) + 0.05 * Math.cos(i / 2.3) + 0.01);

describe('ONNX speech teacher (tiny wav2vec2 graph)', () => {
  it('frame rate from the standard wav2vec 2.0 conv stack is 50 Hz', () => {
    const convs = [10, 3, 3, 3, 3, 2, 2].map((kernel, i) => ({ kernel, stride: i === 0 ? 5 : 2 }));
    expect(convFrameRate(convs, 16000)).toBe(50);
    expect(convFrameCount(convs, 16000)).toBe(49);
  });

  it('exposes every layer, matches the original graph and normalizes per utterance', async () => {
    const { dir, model } = writeTeacherDir('w2v');
    const t = await loadOnnxSpeechTeacher(dir);
    expect(t).toMatchObject({ numLayers: 3, dim: 16, vocabSize: 7, frameRate: 1600, sampleRate: 16000, name: 'onnx:wav2vec2(w2v)' });
    const out = await t.extract(wave);
    const frames = wav2vec2FrameCount(model.config, wave.length);
    expect(out.numFrames).toBe(frames);
    expect(out.hiddenStates.map((h) => h!.length)).toEqual([0, 1, 2, 3].map(() => frames * 16));
    // The last hidden state and logits equal the unmodified graph's outputs on the normalized input.
    const ref = await (await ort.InferenceSession.create(model.bytes)).run({ input_values: new ort.Tensor('float32', zeroMeanUnitVariance(wave), [1, wave.length]) });
    expect(Array.from(out.hiddenStates[3]!)).toEqual(Array.from(ref.last_hidden_state.data as Float32Array));
    expect(Array.from(out.logits!)).toEqual(Array.from(ref.logits.data as Float32Array));
    // Hidden state 0 is the encoder LayerNorm output: undoing gamma/beta gives zero mean, unit variance per frame.
    const { gamma, beta } = model.weights.encoderNorm;
    for (let f = 0; f < frames; f += 50) {
      const z = Array.from({ length: 16 }, (_, d) => (out.hiddenStates[0]![f * 16 + d] - beta[d]) / gamma[d]);
      const mean = z.reduce((a, b) => a + b) / 16;
      expect(Math.abs(mean)).toBeLessThan(1e-3);
      expect(z.reduce((a, b) => a + (b - mean) ** 2, 0) / 16).toBeCloseTo(1, 2);
    }
    // Intermediate layers differ from each other (they are real layer outputs, not copies).
    expect(out.hiddenStates[1]).not.toEqual(out.hiddenStates[2]);
    // do_normalize: an affine change of the waveform gives the same outputs.
    const scaled = await t.extract(wave.map((v) => 3 * v + 0.5), { layers: [2], logits: false });
    expect(scaled.hiddenStates[0]).toBeUndefined();
    expect(scaled.logits).toBeUndefined();
    const a = scaled.hiddenStates[2]!;
    const b = out.hiddenStates[2]!;
    for (let i = 0; i < a.length; i += 97) expect(a[i]).toBeCloseTo(b[i], 3);
    await t.dispose();
  });

  it('works without config.json (conv strides read from the graph) and fingerprints weights + config', async () => {
    const t1 = await loadOnnxSpeechTeacher(writeTeacherDir('noconf', { config: false }).dir);
    expect(t1.frameRate).toBe(1600);
    fs.cpSync(path.join(root, 'noconf'), path.join(root, 'noconf2'), { recursive: true }); // same files elsewhere
    const t2 = await loadOnnxSpeechTeacher(path.join(root, 'noconf2'));
    const t3 = await loadOnnxSpeechTeacher(writeTeacherDir('nonorm', { config: false, normalize: false }).dir);
    const t4 = await loadOnnxSpeechTeacher(writeTeacherDir('seed4', { config: false, seed: 4 }).dir);
    expect(t1.fingerprint).toBe(t2.fingerprint);
    expect(new Set([t1.fingerprint, t3.fingerprint, t4.fingerprint]).size).toBe(3);
    await Promise.all([t1, t2, t3, t4].map((t) => t.dispose()));
  });

  it('fails clearly without preprocessor_config.json or model', async () => {
    const { dir } = writeTeacherDir('broken');
    fs.rmSync(path.join(dir, 'preprocessor_config.json'));
    await expect(loadOnnxSpeechTeacher(dir)).rejects.toThrow(TeacherLoadError);
    await expect(loadOnnxSpeechTeacher(dir)).rejects.toThrow(/preprocessor_config\.json: missing/);
    await expect(loadOnnxSpeechTeacher(path.join(root, 'nowhere'))).rejects.toThrow(/nowhere: no such folder, and not a hub model id \(owner\/name\)/);
    fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
    await expect(loadOnnxSpeechTeacher(dir)).rejects.toThrow(/broken: no fp32 model \(looked for onnx\/model\.onnx, model\.onnx\); this folder has no model\*\.onnx at all/);
  });

  it('feeds the cache builder', async () => {
    const t = await loadOnnxSpeechTeacher(writeTeacherDir('forcache').dir);
    const out = path.join(root, 'cache');
    const entries = fakeEntries(3);
    await buildTeacherCache({ entries, outDir: out, loadAudio: fakeLoadAudio, speech: t, speechLayers: [0, 2, 3] });
    const cache = await openTeacherCache(out, { expectFingerprint: { speech: t.fingerprint } });
    const got = await cache.get(entries[1].id);
    const ref = await t.extract(await fakeLoadAudio(entries[1].audio, 16000));
    expect(got.speech!.layers.get(2)!.shape).toEqual([ref.numFrames, 16]);
    expect(got.speech!.logits!.shape).toEqual([ref.numFrames, 7]);
    expect(cache.header.speech).toMatchObject({ frameRate: 1600, layers: [0, 2, 3], logits: true, vocabSize: 7 });
    await cache.close();
    await t.dispose();
  });
});
