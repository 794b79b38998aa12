import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { HF_EXPORTS_ROOT, hfExportDir } from '@speechkd/fixtures';
import {
  GraphIndex, OnnxGraphError, checkHiddenStates, float32ToFloat16, decodeModel, exposeIntermediateOutputs, findModelVariant, listModelVariants,
  locateHiddenStates, modelFileName, parseModelDtype, scanLayerScopes,
} from '../src/index.js';

// Every variant of the real transformers exports (see datasets/fixtures/scripts/export-hf-fixtures.py).
const variants = fs.readdirSync(HF_EXPORTS_ROOT).filter((d) => fs.existsSync(path.join(HF_EXPORTS_ROOT, d, 'onnx')))
  .flatMap((repo) => fs.readdirSync(path.join(HF_EXPORTS_ROOT, repo, 'onnx')).map((file) => ({ repo, file })));
const graphOf = (repo: string, file: string) => decodeModel(fs.readFileSync(path.join(HF_EXPORTS_ROOT, repo, 'onnx', file)), file).graph!;
const wave = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 7) * 0.5 + Math.sin(i / 31) * 0.3);

function toFeed(type: string, x: Float32Array, dims: number[]): ort.Tensor {
  return type === 'float16' ? new ort.Tensor('float16', float32ToFloat16(x), dims) : new ort.Tensor('float32', x, dims);
}

describe('locateHiddenStates on transformers exports (fp32, fp16, q8, int8, uint8, q4; opset 14 and 17)', () => {
  it.each(variants)('$repo/$file: every layer by structure, runs, each [1, frames, dim] float', async ({ repo, file }) => {
    const graph = graphOf(repo, file);
    const found = locateHiddenStates(graph, file);
    expect(found.tensors).toHaveLength(3); // every small export has 2 layers
    // No quantizer output, cast or shape tensor is ever picked (the q8 regression: the scalar *_scale).
    for (const t of found.tensors) expect(t).not.toMatch(/_(scale|zero_point|quantized)$/);
    // Pre-LN ("stable layer norm") exports: each layer's output is its residual Add; the encoder's final
    // LayerNorm after the last one is found too (the CTC head's input), but is not a layer output.
    if (repo.includes('lv60')) {
      expect(found.finalNorm).toMatch(/\/encoder\/layer_norm\//);
      expect(found.tensors.slice(1)).toEqual(['/wav2vec2/encoder/layers.0/Add_1_output_0', '/wav2vec2/encoder/layers.1/Add_1_output_0']);
    } else {
      expect(found.finalNorm).toBeNull();
    }
    const { model, exposed } = exposeIntermediateOutputs(fs.readFileSync(path.join(HF_EXPORTS_ROOT, repo, 'onnx', file)), { hiddenStates: true });
    expect(exposed).toEqual(found.tensors);
    const session = await ort.InferenceSession.create(model);
    const feeds: Record<string, ort.Tensor> = {};
    if (repo.startsWith('bert')) {
      const ids = new ort.Tensor('int64', BigInt64Array.from([101n, 7592n, 2088n, 102n]), [1, 4]);
      feeds.input_ids = ids;
      feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n]), [1, 4]);
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(4), [1, 4]);
    } else {
      const input = graph.input!.find((i) => i.name === 'input_values')!;
      feeds.input_values = toFeed(input.type!.tensorType!.elemType === 10 ? 'float16' : 'float32', wave, [1, wave.length]);
    }
    const out = await session.run(feeds, exposed);
    const { frames, dim } = checkHiddenStates(exposed.map((n) => [n, out[n]]), 1, file);
    expect([frames, dim]).toEqual(repo.startsWith('bert') ? [4, 8] : [24, 16]);
    // Consecutive hidden states are different tensors, not one tensor found twice.
    const flat = exposed.map((n) => Array.from(out[n].data as ArrayLike<number>));
    for (let l = 1; l < flat.length; l++) expect(flat[l]).not.toEqual(flat[l - 1]);
  });

  it('a graph whose layer has no hidden-state exit fails, naming the graph and what was looked for', () => {
    // q8 wav2vec2 with its quantizer's float input renamed away: only codes, scale and zero point leave layer 1.
    const graph = graphOf('wav2vec2-ctc-op14', 'model_quantized.onnx');
    const scan = scanLayerScopes(new GraphIndex(graph));
    expect(scan[1].chosen?.tensor).toBe('/wav2vec2/encoder/layers.1/final_layer_norm/Add_1_output_0');
    const quantizer = graph.node!.find((n) => n.opType === 'DynamicQuantizeLinear' && n.input![0] === scan[1].chosen!.tensor)!;
    const ln = graph.node!.find((n) => n.output![0] === quantizer.input![0])!;
    ln.opType = 'Shape'; // its output is now shape arithmetic: nothing can stand for layer 1
    expect(() => locateHiddenStates(graph, 'broken.onnx')).toThrow(OnnxGraphError);
    expect(() => locateHiddenStates(graph, 'broken.onnx')).toThrow(/^broken\.onnx: layer 1 \(\/wav2vec2\/encoder\/layers\.1\) has no hidden-state output; looked for a float \[batch, time, dim\] tensor.*LayerNormalization.*residual Add.*Tensors leaving the scope: .*Add_1_output_0 \(Shape: /);
    expect(() => locateHiddenStates({ node: [], input: [], output: [] }, 'empty.onnx')).toThrow(/^empty\.onnx: no encoder layer scopes/);
  });

  it('checkHiddenStates refuses a scalar, an integer tensor and mismatched frames', () => {
    const t = (type: string, dims: number[]) => ({ type, dims });
    expect(checkHiddenStates([['a', t('float16', [1, 5, 8])], ['b', t('float32', [1, 5, 8])]], 1, 'm.onnx')).toEqual({ frames: 5, dim: 8 });
    expect(() => checkHiddenStates([['x_scale', t('float32', [])]], 1, 'm.onnx')).toThrow('m.onnx: hidden state "x_scale" is float32 []; expected float [1, time, dim]');
    expect(() => checkHiddenStates([['q', t('uint8', [1, 5, 8])]], 1, 'm.onnx')).toThrow(/"q" is uint8/);
    expect(() => checkHiddenStates([['a', t('float32', [1, 5, 8])], ['b', t('float32', [1, 6, 8])]], 1, 'm.onnx')).toThrow(/"b" is \[1, 6, 8\] but the first one is \[1, 5, 8\]/);
  });
});

describe('model variants (transformers.js dtype names)', () => {
  it('maps dtypes to file names and finds them in a repository folder', () => {
    expect(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'].map((d) => modelFileName(parseModelDtype(d)))).toEqual([
      'model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_q4.onnx', 'model_q4f16.onnx', 'model_bnb4.onnx',
    ]);
    const dir = hfExportDir('wav2vec2-ctc', 14);
    expect(listModelVariants(dir).map((v) => v.dtype)).toEqual(['fp32', 'fp16', 'int8', 'uint8', 'q8', 'q4']);
    expect(findModelVariant(dir, 'q8')).toBe(path.join(dir, 'onnx', 'model_quantized.onnx'));
    expect(() => findModelVariant(hfExportDir('wav2vec2-ctc', 17), 'q4')).toThrow(/no q4 model \(looked for onnx\/model_q4\.onnx, model_q4\.onnx\); this folder has fp32 \(onnx\/model\.onnx\), fp16 \(onnx\/model_fp16\.onnx\), q8 \(onnx\/model_quantized\.onnx\)/);
    expect(() => findModelVariant(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')), 'fp32')).toThrow(/has no model\*\.onnx at all/);
    expect(() => parseModelDtype('float16')).toThrow('--model-dtype "float16": not a model dtype; use one of fp32, fp16, int8, uint8, q8, q4, q2, q1, q4f16, q2f16, q1f16, bnb4');
  });
});
