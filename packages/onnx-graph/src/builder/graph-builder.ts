import type { onnx as OnnxNs } from 'onnx-proto';
import { ElemType, encodeModel, onnx, OnnxGraphError } from '../proto.js';

/** Attribute value: integer -> INT, non-integer -> FLOAT, number[] -> INTS, `{ float }` forces FLOAT. */
export type AttrValue = number | number[] | { float: number };

/** A dimension: fixed size or a symbolic name such as `batch_size`. */
export type Dim = number | string;

function valueInfo(name: string, elemType: number, dims?: Dim[]): OnnxNs.IValueInfoProto {
  const shape = dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined;
  return { name, type: { tensorType: { elemType, ...(shape ? { shape } : {}) } } };
}

function attribute(name: string, v: AttrValue): OnnxNs.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if (typeof v === 'object') return { name, type: T.FLOAT, f: v.float };
  return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
}

/**
 * Minimal ONNX graph builder: inputs, float/int64 initializers, nodes named like torch.onnx exports
 * (`<node name>_output_0`), outputs; serializes a ModelProto. Used to build tiny test models.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNs.INodeProto[] = [];
  private readonly inputs: OnnxNs.IValueInfoProto[] = [];
  private readonly outputs: OnnxNs.IValueInfoProto[] = [];
  private readonly values: OnnxNs.IValueInfoProto[] = [];
  private readonly inits: OnnxNs.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private scalars = 0;

  /** `opset`: default-domain opset version of the model (17 has LayerNormalization). */
  constructor(readonly graphName: string, readonly opset = 17) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new OnnxGraphError(`GraphBuilder: tensor name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, elemType: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declares a graph output (a tensor some node produces). */
  output(name: string, elemType: number, dims?: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Records value_info (type/shape) for an intermediate tensor. */
  valueInfo(name: string, elemType: number, dims?: Dim[]): void {
    this.values.push(valueInfo(name, elemType, dims));
  }

  /** Adds a float32 initializer with the given dims (row-major data). */
  float(name: string, data: Float32Array | number[], dims: number[]): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (arr.length !== expected) throw new OnnxGraphError(`GraphBuilder.float: "${name}" has ${arr.length} values, dims [${dims}] need ${expected}`);
    const rawData = new Uint8Array(arr.buffer.slice(arr.byteOffset, arr.byteOffset + arr.byteLength));
    this.inits.push({ name: this.claim(name), dataType: ElemType.FLOAT, dims, rawData });
    return name;
  }

  /** Adds a float32 scalar initializer named `onnx::Constant_<n>` (numbered per builder: same build, same bytes). */
  scalar(value: number): string {
    return this.float(`onnx::Constant_${this.scalars++}`, [value], []);
  }

  /** Adds an int64 initializer (`dims` [] for a scalar). */
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    this.inits.push({ name: this.claim(name), dataType: ElemType.INT64, dims, int64Data: values });
    return name;
  }

  /** Adds a node; returns its outputs (named `<name>_output_<i>` unless `outputs` gives names). */
  node(opType: string, inputs: string[], name: string, opts: { attrs?: Record<string, AttrValue>; outputs?: string[]; numOutputs?: number } = {}): string[] {
    const outs = opts.outputs ?? Array.from({ length: opts.numOutputs ?? 1 }, (_, i) => `${name}_output_${i}`);
    outs.forEach((o) => this.claim(o));
    const attribute_ = Object.entries(opts.attrs ?? {}).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType, input: inputs, output: outs, name, attribute: attribute_ });
    return outs;
  }

  /** Single-output node shorthand; `output` overrides the tensor name. */
  op(opType: string, inputs: string[], name: string, attrs?: Record<string, AttrValue>, output?: string): string {
    return this.node(opType, inputs, name, { attrs, outputs: output ? [output] : undefined })[0];
  }

  /** The ModelProto object. */
  toModel(): OnnxNs.IModelProto {
    return {
      irVersion: 8,
      producerName: 'speechkd-onnx-graph',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.inits,
        valueInfo: this.values,
      },
    };
  }

  /** Serialized ModelProto bytes (loadable by onnxruntime). */
  toBytes(): Uint8Array {
    return encodeModel(this.toModel());
  }
}
