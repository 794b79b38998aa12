import { ElemType, GraphBuilder } from '@speechkd/onnx-graph';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { StudentModel } from '../model/student.js';

/** Names of the exported graph's inputs and outputs. */
export const ONNX_IO = Object.freeze({
  /** float32 [batch, frames, bins]: normalized log-mel features (CMVN applied), padded. */
  features: 'features',
  /** int64 [batch]: valid feature frames per utterance. */
  lengths: 'lengths',
  /** float32 [batch, frames', vocab]: unnormalized CTC logits. */
  logits: 'logits',
  /** int64 [batch]: valid output frames per utterance. */
  logitLengths: 'logit_lengths',
  /** With `hiddenStates`: float32 [batch, frames', dim] outputs `hidden_states.<i>`, i = 0 (the subsampling output with positions) .. numLayers. */
  hiddenStates: 'hidden_states',
});

/**
 * Exports a student as a standalone ONNX model (opset 17, dynamic batch and length): the same function as
 * `StudentModel.forward` in inference mode - x4 convolutional subsampling as two Conv nodes + pointwise
 * conv + projection, sinusoidal positions computed in the graph, Conformer blocks with
 * LayerNormalization/MatMul/Softmax and a grouped 1-D Conv for the depthwise time convolution, padding
 * masks from `lengths`. Runs in onnxruntime (node, web, native) for fast CPU inference; the exporter's
 * test checks the logits against the tfjs forward pass.
 */
export function exportOnnx(model: StudentModel, options: { weights?: ReadonlyMap<string, Tensor>; hiddenStates?: boolean } = {}): Uint8Array {
  const cfg = model.config;
  if (cfg.dim % 2 !== 0) throw new Error(`exportOnnx: model dim ${cfg.dim} must be even (sinusoidal positions)`);
  const g = new GraphBuilder(`speechkd-${cfg.name}`, 17);
  // `options.weights` (e.g. the EMA shadow the trainer exports) replaces the model's own variables by name.
  const w = (name: string): Float32Array => (options.weights?.get(name) ?? model.params.get(name)).dataSync() as Float32Array;
  const c = cfg.subsamplingChannels;
  const d = cfg.dim;
  const dh = d / cfg.numHeads;
  let n = 0;
  const id = (s: string) => `${s}_${n++}`;
  const i64 = (v: number[]) => g.int64(id('const_i64'), v);
  const scalarI64 = (v: number) => g.int64(id('scalar_i64'), [v], []);
  const f32 = (v: number) => g.scalar(v);
  const op = (type: string, inputs: string[], attrs?: Parameters<GraphBuilder['op']>[3]) => g.op(type, inputs, id(type), attrs);

  const x0 = g.input(ONNX_IO.features, ElemType.FLOAT, ['batch', 'frames', cfg.numMelBins]);
  const len0 = g.input(ONNX_IO.lengths, ElemType.INT64, ['batch']);

  // Output lengths: floor((floor((l - 1) / 2) - 1) / 2), at least 0 (as subsampledLength).
  const half = (l: string) => op('Div', [op('Sub', [l, scalarI64(1)]), scalarI64(2)]);
  const outLen = g.op('Max', [half(half(len0)), scalarI64(0)], 'OutputLengths', undefined, ONNX_IO.logitLengths);

  // Conv 1 (1 -> C, 3x3 stride 2): weight [9, C] with patch index kt * 3 + kf -> [C, 1, 3, 3].
  const conv1 = transposeTo(w('sub/conv1/w'), 9, c);
  const h = op('Unsqueeze', [x0, i64([1])]); // [B, 1, T, F]
  let y = op('Relu', [op('Conv', [h, g.float('sub.conv1.weight', conv1, [c, 1, 3, 3]), g.float('sub.conv1.bias', w('sub/conv1/b'), [c])], { strides: [2, 2] })]);
  // Conv 2: depthwise 3x3 stride 2 (groups C) then pointwise C -> C.
  y = op('Conv', [y, g.float('sub.dw2.weight', transposeTo(w('sub/dw2/w'), 9, c), [c, 1, 3, 3]), g.float('sub.dw2.bias', w('sub/dw2/b'), [c])], { strides: [2, 2], group: c });
  y = op('Relu', [op('Conv', [y, g.float('sub.pw2.weight', transposeTo(w('sub/pw2/w'), c, c), [c, c, 1, 1]), g.float('sub.pw2.bias', w('sub/pw2/b'), [c])])]);
  // [B, C, T', F'] -> [B, T', F' * C] (bins major, channels minor) -> projection.
  y = op('Transpose', [y], { perm: [0, 2, 3, 1] });
  y = op('Reshape', [y, i64([0, 0, -1])]);
  const f2 = Math.floor((Math.floor((cfg.numMelBins - 1) / 2) - 1) / 2);
  let x = linear(g, y, w('sub/proj/w'), w('sub/proj/b'), c * f2, d, 'sub.proj', id);

  // Positions: angle[p, j] = p / 10000^(2j / d); sin and cos interleaved along the model axis.
  const shapeX = op('Shape', [x]);
  const tLen = op('Gather', [shapeX, scalarI64(1)], { axis: 0 });
  const pos = op('Range', [f32(0), op('Cast', [tLen], { to: ElemType.FLOAT }), f32(1)]);
  const inv = Float32Array.from({ length: d / 2 }, (_, j) => 1 / Math.pow(10000, (2 * j) / d));
  const angle = op('Mul', [op('Unsqueeze', [pos, i64([1])]), g.float('pos.inv_freq', inv, [1, d / 2])]);
  const sc = op('Concat', [op('Unsqueeze', [op('Sin', [angle]), i64([2])]), op('Unsqueeze', [op('Cos', [angle]), i64([2])])], { axis: 2 });
  x = op('Add', [x, op('Reshape', [sc, i64([-1, d])])]);

  // Masks: valid[b, t] = t < outLen[b]; frame mask [B, T', 1]; key bias [B, 1, 1, T'] (-1e9 on padding).
  const range = op('Range', [scalarI64(0), tLen, scalarI64(1)]);
  const valid = op('Cast', [op('Less', [op('Unsqueeze', [range, i64([0])]), op('Unsqueeze', [outLen, i64([1])])])], { to: ElemType.FLOAT });
  const frameMask = op('Unsqueeze', [valid, i64([2])]);
  const keyBias = op('Unsqueeze', [op('Mul', [op('Sub', [f32(1), valid]), f32(-1e9)]), i64([1, 2])]);

  // Every block's output as a graph output too (a teacher's cache needs them; `StudentModel.forward`'s hiddenStates).
  const hidden = (i: number, v: string) => {
    if (!options.hiddenStates) return;
    const name = `${ONNX_IO.hiddenStates}.${i}`;
    g.op('Identity', [v], `Hidden${i}`, undefined, name);
    g.output(name, ElemType.FLOAT, ['batch', 'frames_out', d]);
  };
  hidden(0, x);
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `blocks/${i}`;
    const q = `blocks.${i}`;
    const ln = (name: string, v: string) => {
      const gain = g.float(`${q}.${name.replace('/', '.')}.weight`, w(`${p}/${name}/g`), [d]);
      return op('LayerNormalization', [v, gain, g.float(`${q}.${name.replace('/', '.')}.bias`, w(`${p}/${name}/b`), [d])], { axis: -1, epsilon: { float: 1e-5 } });
    };
    const ffn = (name: string, v: string) => {
      const hdn = linear(g, v, w(`${p}/${name}/w1`), w(`${p}/${name}/b1`), d, cfg.ffDim, `${q}.${name}.w1`, id);
      const act = op('Mul', [hdn, op('Sigmoid', [hdn])]);
      return linear(g, act, w(`${p}/${name}/w2`), w(`${p}/${name}/b2`), cfg.ffDim, d, `${q}.${name}.w2`, id);
    };
    // Macaron feed-forward (half step).
    let r = op('Add', [x, op('Mul', [ffn('ff1', ln('ln_ff1', x)), f32(0.5)])]);
    // Self-attention: [B, T, 3d] -> q, k, v [B, H, T, dh].
    const qkv = linear(g, ln('ln_att', r), w(`${p}/att/wqkv`), w(`${p}/att/bqkv`), d, 3 * d, `${q}.att.qkv`, id);
    const heads = (v: string) => op('Transpose', [op('Reshape', [v, i64([0, 0, cfg.numHeads, dh])])], { perm: [0, 2, 1, 3] });
    const [qs, ks, vs] = g.node('Split', [qkv, i64([d, d, d])], id('Split'), { attrs: { axis: 2 }, numOutputs: 3 });
    const qh = op('Mul', [heads(qs), f32(1 / Math.sqrt(dh))]);
    const kT = op('Transpose', [op('Reshape', [ks, i64([0, 0, cfg.numHeads, dh])])], { perm: [0, 2, 3, 1] });
    const probs = op('Softmax', [op('Add', [op('MatMul', [qh, kT]), keyBias])], { axis: -1 });
    const ctxv = op('Reshape', [op('Transpose', [op('MatMul', [probs, heads(vs)])], { perm: [0, 2, 1, 3] }), i64([0, 0, d])]);
    r = op('Add', [r, linear(g, ctxv, w(`${p}/att/wo`), w(`${p}/att/bo`), d, d, `${q}.att.wo`, id)]);
    // Convolution module: pointwise + GLU (masked), depthwise along time, LN, swish, pointwise.
    const pw1 = linear(g, ln('ln_conv', r), w(`${p}/conv/pw1/w`), w(`${p}/conv/pw1/b`), d, 2 * d, `${q}.conv.pw1`, id);
    const [a, gate] = g.node('Split', [pw1, i64([d, d])], id('Split'), { attrs: { axis: 2 }, numOutputs: 2 });
    const glu = op('Mul', [op('Mul', [a, op('Sigmoid', [gate])]), frameMask]);
    const k = cfg.convKernel;
    const dwW = transposeTo(w(`${p}/conv/dw/w`), k, d); // [K, d] -> [d, K]
    let cv = op('Conv', [op('Transpose', [glu], { perm: [0, 2, 1] }), g.float(`${q}.conv.dw.weight`, dwW, [d, 1, k]), g.float(`${q}.conv.dw.bias`, w(`${p}/conv/dw/b`), [d])], {
      group: d, pads: [(k - 1) / 2, (k - 1) / 2],
    });
    cv = ln('conv/ln', op('Transpose', [cv], { perm: [0, 2, 1] }));
    cv = op('Mul', [cv, op('Sigmoid', [cv])]);
    r = op('Add', [r, linear(g, cv, w(`${p}/conv/pw2/w`), w(`${p}/conv/pw2/b`), d, d, `${q}.conv.pw2`, id)]);
    r = op('Add', [r, op('Mul', [ffn('ff2', ln('ln_ff2', r)), f32(0.5)])]);
    x = ln('ln_out', r);
    hidden(i + 1, x);
  }
  const logits = linear(g, x, w('head/w'), w('head/b'), d, cfg.vocabSize, 'head', id);
  g.op('Identity', [logits], 'Logits', undefined, ONNX_IO.logits);
  g.output(ONNX_IO.logits, ElemType.FLOAT, ['batch', 'frames_out', cfg.vocabSize]);
  g.output(ONNX_IO.logitLengths, ElemType.INT64, ['batch']);
  return g.toBytes();
}

/** [rows, cols] row-major -> its transpose [cols, rows]. */
function transposeTo(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = src[r * cols + k];
  return out;
}

function linear(g: GraphBuilder, x: string, wt: Float32Array, b: Float32Array, inDim: number, outDim: number, name: string, id: (s: string) => string): string {
  const y = g.op('MatMul', [x, g.float(`${name}.weight`, wt, [inDim, outDim])], id('MatMul'));
  return g.op('Add', [y, g.float(`${name}.bias`, b, [outDim])], id('Add'));
}
