import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildTinyBert, exposeIntermediateOutputs } from '../src/index.js';
import { referenceBert } from './bert-reference.js';

const i64 = (rows: number[][]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

async function runAll(bytes: Uint8Array, ids: number[][], mask: number[][]): Promise<{ session: ort.InferenceSession; out: ort.InferenceSession.OnnxValueMapType }> {
  const session = await ort.InferenceSession.create(bytes);
  const types = ids.map((r) => r.map(() => 0));
  const out = await session.run({ input_ids: i64(ids), attention_mask: i64(mask), token_type_ids: i64(types) });
  return { session, out };
}

describe('buildTinyBert', () => {
  const ids = [[5, 17, 42, 99, 3], [7, 8, 9, 0, 0]];
  const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]];

  it('runs in onnxruntime with HF export input/output names', async () => {
    const { session, out } = await runAll(buildTinyBert().bytes, ids, mask);
    expect(session.inputNames.sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
    expect(out.last_hidden_state.dims).toEqual([2, 5, 16]);
  });

  it('every exposed layer matches a plain-JS reference of the same math (3 layers, 4 heads)', async () => {
    const model = buildTinyBert({ numLayers: 3, numHeads: 4, seed: 7 });
    const { model: bytes, exposed } = exposeIntermediateOutputs(model.bytes, { layers: true });
    expect(exposed).toHaveLength(3);
    const { out } = await runAll(bytes, ids, mask);
    for (let b = 0; b < 2; b++) {
      const ref = referenceBert(model, ids[b], mask[b], [0, 0, 0, 0, 0]);
      exposed.forEach((name, l) => {
        const data = out[name].data as Float32Array;
        for (let t = 0; t < 5; t++) {
          if (!mask[b][t]) continue;
          for (let d = 0; d < 16; d++) expect(data[(b * 5 + t) * 16 + d]).toBeCloseTo(ref[l][t][d], 4);
        }
      });
    }
  });

  it('decomposed LayerNorm (opset 14) gives the same outputs as LayerNormalization (opset 17)', async () => {
    const a = await runAll(buildTinyBert({ seed: 3 }).bytes, ids, mask);
    const b = await runAll(buildTinyBert({ seed: 3, decomposeLayerNorm: true }).bytes, ids, mask);
    const x = a.out.last_hidden_state.data as Float32Array;
    const y = b.out.last_hidden_state.data as Float32Array;
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 4));
  });

  it('padding does not change the unmasked positions', async () => {
    const model = buildTinyBert({ seed: 4 });
    const short = await runAll(model.bytes, [[7, 8, 9]], [[1, 1, 1]]);
    const padded = await runAll(model.bytes, [[7, 8, 9, 55, 66]], [[1, 1, 1, 0, 0]]);
    const s = short.out.last_hidden_state.data as Float32Array;
    const p = padded.out.last_hidden_state.data as Float32Array;
    s.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 4));
  });

  it('is deterministic: same config, same bytes; another seed, other weights', () => {
    expect(Buffer.from(buildTinyBert({ seed: 9 }).bytes).equals(Buffer.from(buildTinyBert({ seed: 9 }).bytes))).toBe(true);
    expect(Buffer.from(buildTinyBert({ seed: 9 }).bytes).equals(Buffer.from(buildTinyBert({ seed: 10 }).bytes))).toBe(false);
  });

  it('builds a graph without token_type_ids (RoBERTa/DistilBERT-style exports)', async () => {
    const session = await ort.InferenceSession.create(buildTinyBert({ tokenTypeIds: false }).bytes);
    expect(session.inputNames.sort()).toEqual(['attention_mask', 'input_ids']);
  });
});
