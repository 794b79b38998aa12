import { beforeAll, describe, expect, it } from 'vitest';
import { hfExportDir, loadHfGolden } from '@speechkd/fixtures';
import { initBackend } from '@speechkd/tensor-backend';
import { disposeEncoding, loadOnnxTextTeacher } from './index.js';

// transformers' BertModel exported with torch.onnx (datasets/fixtures/scripts/export-hf-fixtures.py: the
// bert-base-uncased vocabulary, 2 layers, hidden 8, random weights) against PyTorch on real sentences.

/** The hidden states of the unpadded positions, as one flat array per layer. */
async function encode(modelDtype: 'fp32' | 'fp16' | 'q8', sentences: string[]) {
  const teacher = await loadOnnxTextTeacher(hfExportDir('bert-uncased', 14), { modelDtype });
  const enc = await teacher.encode(sentences);
  const ids = enc.tokenIds.arraySync() as number[][];
  const mask = enc.mask.arraySync() as number[][];
  const layers = enc.hiddenStates.map((h) => (h.arraySync() as number[][][]).flatMap((row, b) => row.filter((_, t) => mask[b][t] > 0).flat()));
  disposeEncoding(enc);
  await teacher.dispose();
  return { name: teacher.name, ids, mask, layers: layers.map((l) => Float32Array.from(l)) };
}

function relErr(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) [d, m] = [Math.max(d, Math.abs(a[i] - b[i])), Math.max(m, Math.abs(b[i]))];
  return d / m;
}

describe('ONNX BERT text teacher on a transformers export', () => {
  beforeAll(async () => {
    await initBackend({ log: null });
  });

  it('fp32: token ids, mask and every layer equal transformers on real sentences (1e-4)', async () => {
    const golden = loadHfGolden('bert-uncased');
    const got = await encode('fp32', golden.sentences!);
    expect(got.name).toBe('onnx-bert(bert-uncased-op14)');
    expect(got.ids).toEqual(golden.inputIds);
    expect(got.mask).toEqual(golden.attentionMask);
    expect(got.layers).toHaveLength(3);
    golden.hiddenStates.forEach((h, l) => {
      const [batch, tokens, dim] = h.shape;
      const rows: number[] = [];
      for (let b = 0; b < batch; b++) for (let t = 0; t < tokens; t++) if (golden.attentionMask![b][t]) rows.push(...h.data.subarray((b * tokens + t) * dim, (b * tokens + t + 1) * dim));
      expect(relErr(got.layers[l], Float32Array.from(rows)), `layer ${l}`).toBeLessThan(1e-4);
    });
  });

  // Stated tolerances (package README): fp16 and q8 (int8 weights and embedding table) within 3e-2 of fp32;
  // measured 1.4e-2 (fp16, the embeddings' LayerNorm; 1.1e-3 after) and 9.4e-3 (q8).
  it('fp16 and q8 stay within the stated tolerance of fp32', async () => {
    const { sentences } = loadHfGolden('bert-uncased');
    const fp32 = await encode('fp32', sentences!);
    const fp16 = await encode('fp16', sentences!);
    const q8 = await encode('q8', sentences!);
    expect([fp16.name, q8.name]).toEqual(['onnx-bert(bert-uncased-op14, fp16)', 'onnx-bert(bert-uncased-op14, q8)']);
    fp32.layers.forEach((ref, l) => {
      for (const v of [fp16, q8]) {
        expect(relErr(v.layers[l], ref)).toBeLessThan(3e-2);
        expect(relErr(v.layers[l], ref)).toBeGreaterThan(1e-5); // that variant really ran
      }
    });
    expect(q8.ids).toEqual(fp32.ids);
  });
});
