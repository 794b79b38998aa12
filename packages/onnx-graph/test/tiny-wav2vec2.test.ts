import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildTinyWav2vec2, exposeIntermediateOutputs, wav2vec2FrameCount } from '../src/index.js';

describe('buildTinyWav2vec2', () => {
  const samples = 800;
  const wave = new ort.Tensor('float32', Float32Array.from({ length: 2 * samples }, (_, i) => Math.sin(i / 7)), [2, samples]);

  it('runs: input_values [batch, samples] -> last_hidden_state [batch, frames, hidden]', async () => {
    const model = buildTinyWav2vec2();
    const session = await ort.InferenceSession.create(model.bytes);
    expect(session.inputNames).toEqual(['input_values']);
    const out = await session.run({ input_values: wave });
    expect(out.last_hidden_state.dims).toEqual([2, wav2vec2FrameCount(model.config, samples), 16]);
    expect(wav2vec2FrameCount(model.config, samples)).toBe(79);
  });

  it('with a CTC head: logits output and layer outputs under /wav2vec2/encoder/layers.N', async () => {
    const model = buildTinyWav2vec2({ ctcVocabSize: 29, numLayers: 3 });
    const r = exposeIntermediateOutputs(model.bytes, { layers: true });
    expect(r.exposed).toEqual([
      '/wav2vec2/encoder/layers.0/final_layer_norm/LayerNormalization_output_0',
      '/wav2vec2/encoder/layers.1/final_layer_norm/LayerNormalization_output_0',
      'last_hidden_state',
    ]);
    const h = exposeIntermediateOutputs(model.bytes, { hiddenStates: true });
    expect(h.exposed[0]).toBe('/wav2vec2/encoder/layer_norm/LayerNormalization_output_0');
    expect(h.exposed).toHaveLength(4);
    const out = await (await ort.InferenceSession.create(r.model)).run({ input_values: wave });
    expect(out.logits.dims).toEqual([2, 79, 29]);
    for (const name of r.exposed) expect(out[name].dims).toEqual([2, 79, 16]);
  });
});
