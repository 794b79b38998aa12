import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { appendGraphOutputs, buildTinyBert, decodeModel, encodeModel, exposeIntermediateOutputs, listLayerOutputs, onnx, OnnxGraphError } from '../src/index.js';
import { main } from '../src/cli.js';

const i64 = (rows: number[][]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const feeds = { input_ids: i64([[1, 2, 3, 4]]), attention_mask: i64([[1, 1, 1, 1]]), token_type_ids: i64([[0, 0, 0, 0]]) };

describe('exposeIntermediateOutputs', () => {
  it('layers: exposes one output per encoder layer, the last being last_hidden_state', async () => {
    const { bytes } = buildTinyBert({ numLayers: 4 });
    const r = exposeIntermediateOutputs(bytes, { layers: true });
    expect(r.exposed).toHaveLength(4);
    expect(r.added).toHaveLength(3);
    expect(r.exposed[3]).toBe('last_hidden_state');
    expect(r.layerOutputs.map((l) => l.layer)).toEqual([0, 1, 2, 3]);
    const session = await ort.InferenceSession.create(r.model);
    const out = await session.run(feeds);
    for (const name of r.exposed) expect(out[name].dims).toEqual([1, 4, 16]);
    // consecutive layers differ (each is a real intermediate tensor, not a copy)
    expect(Array.from(out[r.exposed[0]].data as Float32Array)).not.toEqual(Array.from(out[r.exposed[1]].data as Float32Array));
  });

  it('layers: finds the decomposed LayerNorm exit (pre-opset-17 exports)', () => {
    const outs = listLayerOutputs(buildTinyBert({ decomposeLayerNorm: true, numLayers: 3 }).bytes);
    expect(outs.map((o) => o.tensor)).toEqual(['/encoder/layer.0/output/LayerNorm/Add_1_output_0', '/encoder/layer.1/output/LayerNorm/Add_1_output_0', 'last_hidden_state']);
  });

  it('hiddenStates: embeddings output first, then every layer (HF hidden_states order)', () => {
    const r = exposeIntermediateOutputs(buildTinyBert({ numLayers: 2 }).bytes, { hiddenStates: true });
    expect(r.exposed).toEqual(['/embeddings/LayerNorm/LayerNormalization_output_0', '/encoder/layer.0/output/LayerNorm/LayerNormalization_output_0', 'last_hidden_state']);
    const d = exposeIntermediateOutputs(buildTinyBert({ numLayers: 2, decomposeLayerNorm: true }).bytes, { hiddenStates: true });
    expect(d.exposed[0]).toBe('/embeddings/LayerNorm/Add_1_output_0');
  });

  it('copies type and shape from value_info; without it declares float of unknown rank', () => {
    const withInfo = decodeModel(exposeIntermediateOutputs(buildTinyBert({ valueInfo: true }).bytes, { layers: true }).model);
    const shaped = withInfo.graph!.output!.find((o) => o.name!.startsWith('/encoder/layer.0'))!;
    expect(shaped.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch_size', 'sequence_length', 16]);
    const bare = decodeModel(exposeIntermediateOutputs(buildTinyBert().bytes, { layers: true }).model);
    const unknown = bare.graph!.output!.find((o) => o.name!.startsWith('/encoder/layer.0'))!;
    expect(unknown.type!.tensorType!.elemType).toBe(1);
    expect(unknown.type!.tensorType!.shape).toBeNull();
  });

  it('names and match select tensors; the model still runs', async () => {
    const { bytes } = buildTinyBert();
    const r = exposeIntermediateOutputs(bytes, { names: ['/embeddings/LayerNorm/LayerNormalization_output_0'], match: /attention\/Softmax_output_0$/ });
    expect(r.added).toEqual(['/embeddings/LayerNorm/LayerNormalization_output_0', '/encoder/layer.0/attention/Softmax_output_0', '/encoder/layer.1/attention/Softmax_output_0']);
    const out = await (await ort.InferenceSession.create(r.model)).run(feeds);
    expect(out['/encoder/layer.0/attention/Softmax_output_0'].dims).toEqual([1, 2, 4, 4]);
  });

  it('throws OnnxGraphError for an unknown name, no selector, or bytes that are not a model', () => {
    const { bytes } = buildTinyBert();
    expect(() => exposeIntermediateOutputs(bytes, { names: ['nope'] })).toThrow(/no node produces tensor "nope"/);
    expect(() => exposeIntermediateOutputs(bytes, {})).toThrow(OnnxGraphError);
    expect(() => exposeIntermediateOutputs(bytes, { match: /zzz/ })).toThrow(/no node output matches/);
    expect(() => exposeIntermediateOutputs(new Uint8Array([1, 2, 3, 4, 5]), { layers: true })).toThrow(OnnxGraphError);
  });
});

describe('speechkd-onnx-expose CLI', () => {
  it('lists layer outputs and rewrites a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-expose-'));
    const file = join(dir, 'model.onnx');
    await writeFile(file, buildTinyBert({ numLayers: 3 }).bytes);
    const lines: string[] = [];
    expect(await main([file, '--list'], (l) => lines.push(l))).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('2\tlast_hidden_state');
    expect(await main([file, '-o', join(dir, 'out.onnx')], () => {})).toBe(0);
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile(join(dir, 'out.onnx'))));
    expect(session.outputNames).toHaveLength(3);
    let err = '';
    const quiet = (t: string): void => { err += t; };
    expect(await main([file, '--bogus'], () => {}, quiet)).toBe(2);
    expect(await main([join(dir, 'missing.onnx'), '--match', '(', '--list'], () => {}, quiet)).toBe(2);
    expect(err).toMatch(/3 problems with the settings:\n {2}MODEL\.onnx: .*missing\.onnx: no such file\n {2}--match: not a valid regular expression/);
    const garbage = join(dir, 'garbage.onnx');
    await writeFile(garbage, new Uint8Array([1, 2, 3, 4, 5]));
    expect(await main([garbage, '-o', join(dir, 'g.onnx')], () => {}, quiet)).toBe(1);
    expect(existsSync(join(dir, 'g.onnx'))).toBe(false);
  });
});

describe('appendGraphOutputs (byte-level, no re-encode)', () => {
  it('gives the model a decode/encode round trip would give, with the outputs appended', () => {
    const { bytes } = buildTinyBert({ numLayers: 2 });
    const extra = [{ name: '/encoder/layer.0/attention/Softmax_output_0', type: { tensorType: { elemType: 1 } } }];
    const model = decodeModel(bytes);
    model.graph!.output!.push(onnx.ValueInfoProto.create(extra[0]));
    const viaEncode = Buffer.from(encodeModel(model));
    const viaSplice = Buffer.from(encodeModel(decodeModel(appendGraphOutputs(bytes, extra))));
    expect(viaSplice.equals(viaEncode)).toBe(true);
    expect(decodeModel(appendGraphOutputs(bytes, extra)).graph!.output!.map((o) => o.name)).toEqual(['last_hidden_state', extra[0].name]);
    expect(() => appendGraphOutputs(new Uint8Array([0x08, 0x07]), extra)).toThrow(/the model has no graph/);
  });
});
