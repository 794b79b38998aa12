import { decodeModel, encodeModel, int64ToNumber, onnx, OnnxGraphError } from '@speechkd/onnx-graph';
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { Dtype } from '@speechkd/recognizer';
import { toHalf } from '../model/quantize.js';

/** ONNX TensorProto element types (onnx.proto). */
const FLOAT = 1;
const INT8 = 3;
const FLOAT16 = 10;

/** Which input of which op reads a weight, and the axis of its output channels. */
const WEIGHT_INPUTS: Readonly<Record<string, { input: number; channelAxis: (rank: number) => number }>> = {
  MatMul: { input: 1, channelAxis: (rank) => rank - 1 }, // [in, out]
  Conv: { input: 1, channelAxis: () => 0 }, // [out, in / group, k...]
};

/** float32 values of an initializer (raw little-endian bytes or float_data). */
function floatValues(t: OnnxTypes.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // aligned
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** The weight matrices of a graph: float initializers of rank >= 2 read only as a MatMul's B or a Conv's W. */
function weightMatrices(graph: OnnxTypes.IGraphProto): Map<string, number> {
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const axis = new Map<string, number>();
  const other = new Set<string>();
  for (const node of graph.node ?? []) {
    (node.input ?? []).forEach((name, i) => {
      const init = inits.get(name);
      if (!init) return;
      const rule = WEIGHT_INPUTS[node.opType ?? ''];
      const rank = (init.dims ?? []).length;
      if (!rule || rule.input !== i || init.dataType !== FLOAT || rank < 2) other.add(name);
      else axis.set(name, rule.channelAxis(rank));
    });
  }
  for (const name of other) axis.delete(name);
  return axis;
}

/**
 * Symmetric int8 with one scale per output channel (the channel of flat element i comes from the dims). Scales
 * are computed in float64 as the trainer's int8 weights are (`encodeTensor`), so both round alike.
 */
function quantizeInt8(values: Float32Array, dims: number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => Math.floor(i / inner) % channels;
  const scales = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) scales[channelOf(i)] = Math.max(scales[channelOf(i)], Math.abs(values[i]));
  for (let c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127 : 1;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[channelOf(i)])));
  return { q, scales: Float32Array.from(scales) };
}

const bytesOf = (a: Float32Array | Int8Array | Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Rewrites an fp32 ONNX model into a smaller weight variant; every other tensor and the graph's interface stay:
 * - `fp16`: each weight matrix (an initializer of rank >= 2 read only as a MatMul's B or a Conv's W) is stored as
 *   float16 and Cast back to float32 in the graph;
 * - `q8`: each weight matrix is stored as int8, symmetric with one scale per output channel (the last axis of a
 *   MatMul weight, the first of a Conv weight; the scheme of the trainer's int8 weights), and dequantized in the
 *   graph (DequantizeLinear): float32 compute on int8-rounded weights. (onnxruntime-node's full optimization
 *   would fuse DequantizeLinear + MatMul into MatMulNBits, which quantizes the activations too; onnxruntime-web
 *   does not, so @speechkd/recognizer's Node engine turns QDQ fusions off to compute what a page computes.)
 * fp16 computes in float32 (the WebAssembly backend has no float16 kernels): it shrinks the download only.
 * Biases, norms and other constants stay float32. `fp32` returns the input.
 */
export function onnxWeightVariant(fp32: Uint8Array, dtype: Dtype, what = 'model'): Uint8Array {
  if (dtype === 'fp32') return fp32;
  if (dtype !== 'fp16' && dtype !== 'q8') throw new OnnxGraphError(`onnxWeightVariant: dtype must be fp32, fp16 or q8, got "${String(dtype)}"`);
  const model = decodeModel(fp32, what);
  const graph = model.graph!;
  const opset = (model.opsetImport ?? []).find((o) => !o.domain)?.version;
  if (dtype === 'q8' && Number(opset ?? 0) < 13) throw new OnnxGraphError(`${what}: q8 needs opset >= 13 (DequantizeLinear with an axis), the model has ${String(opset)}`);
  const matrices = weightMatrices(graph);
  const prologue: OnnxTypes.INodeProto[] = [];
  const initializers: OnnxTypes.ITensorProto[] = [];
  for (const init of graph.initializer ?? []) {
    const name = init.name ?? '';
    const axis = matrices.get(name);
    if (axis === undefined) {
      initializers.push(init);
      continue;
    }
    const dims = (init.dims ?? []).map((d) => int64ToNumber(d));
    const values = floatValues(init);
    const stored = `${name}_${dtype}`;
    if (dtype === 'fp16') {
      const half = Uint16Array.from(values, toHalf);
      initializers.push({ name: stored, dataType: FLOAT16, dims, rawData: bytesOf(half) });
      prologue.push({ opType: 'Cast', input: [stored], output: [name], name: `${name}_cast`, attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
    } else {
      const { q, scales } = quantizeInt8(values, dims, axis);
      initializers.push(
        { name: stored, dataType: INT8, dims, rawData: bytesOf(q) },
        { name: `${stored}_scale`, dataType: FLOAT, dims: [scales.length], rawData: bytesOf(scales) },
        { name: `${stored}_zero`, dataType: INT8, dims: [scales.length], rawData: new Uint8Array(scales.length) },
      );
      prologue.push({
        opType: 'DequantizeLinear', input: [stored, `${stored}_scale`, `${stored}_zero`], output: [name], name: `${name}_dequantize`,
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
      });
    }
  }
  graph.initializer = initializers;
  graph.node = [...prologue, ...(graph.node ?? [])];
  return encodeModel(model);
}
