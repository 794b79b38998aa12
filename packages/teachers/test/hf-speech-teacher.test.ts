import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hfExportDir, loadHfGolden, sampleAudioPath } from '@speechkd/fixtures';
import { decodeModel, encodeModel } from '@speechkd/onnx-graph';
import { loadAudioAt, loadOnnxSpeechTeacher } from '../src/index.js';
import type { SpeechTeacherOutput } from '../src/index.js';

// Real transformers exports (datasets/fixtures/scripts/export-hf-fixtures.py: Wav2Vec2ForCTC, HubertForCTC,
// stable-layer-norm Wav2Vec2ForCTC; 2 layers, hidden 16, random weights) against PyTorch's outputs.

/** max |a - b| / max |b|: the deviation relative to the reference's scale. */
function relErr(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

/** Pearson correlation of two equally long arrays. */
function corr(a: Float32Array, b: Float32Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) [ma, mb] = [ma + a[i] / a.length, mb + b[i] / b.length];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + (a[i] - ma) * (b[i] - mb), aa + (a[i] - ma) ** 2, bb + (b[i] - mb) ** 2];
  return ab / Math.sqrt(aa * bb);
}

const tensors = (o: SpeechTeacherOutput): Float32Array[] => [...o.hiddenStates.map((h) => h!), o.logits!];
const MODELS = [['wav2vec2-ctc', 14], ['wav2vec2-ctc', 17], ['hubert-ctc', 14], ['wav2vec2-lv60-ctc', 14], ['wav2vec2-lv60-ctc', 17]] as const;

async function run(name: string, opset: 14 | 17, modelDtype: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' = 'fp32'): Promise<SpeechTeacherOutput> {
  const golden = loadHfGolden(name);
  const teacher = await loadOnnxSpeechTeacher(hfExportDir(name, opset), { modelDtype });
  expect(teacher.name).toBe(`onnx:${name.startsWith('hubert') ? 'hubert' : 'wav2vec2'}(${name}-op${opset}${modelDtype === 'fp32' ? '' : `, ${modelDtype}`})`);
  const audio = await loadAudioAt(sampleAudioPath('test-other', golden.audio!, 'flac'), teacher.sampleRate);
  expect(audio.length).toBe(golden.samples);
  const out = await teacher.extract(audio);
  await teacher.dispose();
  return out;
}

describe('ONNX speech teachers on transformers exports', () => {
  it.each(MODELS)('%s opset %i fp32: every hidden state and the logits equal PyTorch to 1e-4', async (name, opset) => {
    const golden = loadHfGolden(name);
    const out = await run(name, opset);
    expect([out.numLayers, out.numFrames, out.dim, out.vocabSize, out.frameRate]).toEqual([2, golden.logits!.shape[0], 16, 32, 50]);
    golden.hiddenStates.forEach((h, l) => expect(relErr(out.hiddenStates[l]!, h.data), `hidden state ${l}`).toBeLessThan(1e-4));
    expect(relErr(out.logits!, golden.logits!.data)).toBeLessThan(1e-4);
  });

  // Stated tolerances (measured on these fixtures, see the package README): fp16 within 1e-2 of fp32
  // (measured 1.5e-3 to 5.3e-3); q4 (MatMulNBits, convolutions kept float) within 0.15, correlation >= 0.99
  // (0.097, 0.997); 8-bit (q8 = model_quantized, int8, uint8: onnxruntime quantize_dynamic of every Conv and
  // MatMul) correlation >= 0.85 with fp32 (0.889 to 0.985) and max deviation <= 1.2 (up to 1.09): quantizing
  // the convolutional feature encoder costs most of it (MatMul-only quantization: 0.014).
  it.each(MODELS)('%s opset %i: fp16 and q8 stay within the stated tolerance of fp32 on the same audio', async (name, opset) => {
    const fp32 = tensors(await run(name, opset));
    const fp16 = tensors(await run(name, opset, 'fp16'));
    const q8 = tensors(await run(name, opset, 'q8'));
    fp32.forEach((ref, i) => {
      expect(relErr(fp16[i], ref)).toBeLessThan(1e-2);
      expect(relErr(fp16[i], ref)).toBeGreaterThan(1e-5); // the fp16 graph really ran
      expect(corr(q8[i], ref)).toBeGreaterThan(0.85);
      expect(corr(q8[i], ref)).toBeLessThan(0.999); // the 8-bit graph really ran
      expect(relErr(q8[i], ref)).toBeLessThan(1.2);
    });
  });

  it('int8, uint8 and q4 variants load and stay within tolerance', async () => {
    const fp32 = tensors(await run('wav2vec2-ctc', 14));
    for (const dtype of ['int8', 'uint8'] as const) {
      tensors(await run('wav2vec2-ctc', 14, dtype)).forEach((t, i) => expect(corr(t, fp32[i])).toBeGreaterThan(0.85));
    }
    tensors(await run('wav2vec2-ctc', 14, 'q4')).forEach((t, i) => {
      expect(relErr(t, fp32[i])).toBeLessThan(0.15);
      expect(corr(t, fp32[i])).toBeGreaterThan(0.99);
    });
    await expect(loadOnnxSpeechTeacher(hfExportDir('wav2vec2-ctc', 17), { modelDtype: 'q4' })).rejects.toThrow(/no q4 model .* this folder has fp32 \(onnx\/model\.onnx\), fp16 \(onnx\/model_fp16\.onnx\), q8 \(onnx\/model_quantized\.onnx\)/);
  });

  it('an export whose weights are in external data (model.onnx_data) loads and gives the same outputs', async () => {
    // Exports over 2 GB keep their initializers in a file beside the graph; move every large one out.
    const src = hfExportDir('wav2vec2-ctc', 17);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-data-'));
    fs.mkdirSync(path.join(dir, 'onnx'));
    for (const f of ['config.json', 'preprocessor_config.json']) fs.copyFileSync(path.join(src, f), path.join(dir, f));
    const model = decodeModel(fs.readFileSync(path.join(src, 'onnx', 'model.onnx')));
    const chunks: Uint8Array[] = [];
    let offset = 0;
    let moved = 0;
    for (const init of model.graph!.initializer!) {
      if (!init.rawData || init.rawData.length < 256) continue;
      chunks.push(init.rawData);
      init.externalData = [{ key: 'location', value: 'model.onnx_data' }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(init.rawData.length) }];
      init.dataLocation = 1;
      offset += init.rawData.length;
      init.rawData = new Uint8Array(0);
      moved++;
    }
    expect(moved).toBeGreaterThan(10);
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), encodeModel(model));
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx_data'), Buffer.concat(chunks));
    const external = await loadOnnxSpeechTeacher(dir);
    const plain = await loadOnnxSpeechTeacher(src);
    const audio = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 11));
    expect(tensors(await external.extract(audio))).toEqual(tensors(await plain.extract(audio)));
    await Promise.all([external.dispose(), plain.dispose()]);
    fs.rmSync(path.join(dir, 'onnx', 'model.onnx_data'));
    await expect(loadOnnxSpeechTeacher(dir)).rejects.toThrow(/model\.onnx: its weights are in model\.onnx_data, which is missing beside it/);
  });
});
