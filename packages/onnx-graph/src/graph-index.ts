import type { onnx as OnnxNs } from 'onnx-proto';
import { int64ToNumber } from './proto.js';

type Node = OnnxNs.INodeProto;

/** ONNX TensorProto element types (onnx.proto numbering) that carry real-valued activations. */
export const FLOAT_ELEM_TYPES: ReadonlySet<number> = new Set([1 /* FLOAT */, 10 /* FLOAT16 */, 11 /* DOUBLE */, 16 /* BFLOAT16 */]);

/** Names of the element types this package reports in messages. */
const ELEM_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16',
};

/** A readable name of an ONNX element type (`float16`, `uint8`, ...), or `type N`. */
export function elemTypeName(t: number | undefined): string {
  return t === undefined ? 'unknown type' : (ELEM_NAMES[t] ?? `type ${t}`);
}

const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT32_OUT = new Set(['MatMulInteger', 'ConvInteger']);

function attr(node: Node, name: string): OnnxNs.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** Element types of a Constant's value attribute. */
function constantType(node: Node): number | undefined {
  const t = attr(node, 'value')?.t;
  if (t) return t.dataType ?? undefined;
  if (attr(node, 'value_float') || attr(node, 'value_floats')) return 1;
  if (attr(node, 'value_int') || attr(node, 'value_ints')) return 7;
  return undefined;
}

/**
 * Read-only lookups over one ONNX graph: producers, consumers, and each tensor's element type, taken
 * from inputs, initializers and value_info where declared and otherwise propagated through the nodes
 * (Cast, Shape, DynamicQuantizeLinear, MatMulInteger, ... have fixed output types; most others keep
 * their data input's type).
 */
export class GraphIndex {
  readonly nodes: Node[];
  readonly graphInputs: Set<string>;
  readonly graphOutputs: Set<string>;
  readonly initializers: Set<string>;
  private readonly producers = new Map<string, { node: Node; order: number }>();
  private readonly consumerLists = new Map<string, Node[]>();
  private readonly types = new Map<string, number>();
  private readonly ranks = new Map<string, number>();

  constructor(readonly graph: OnnxNs.IGraphProto) {
    this.nodes = graph.node ?? [];
    this.graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
    this.graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
    this.initializers = new Set((graph.initializer ?? []).map((i) => i.name ?? ''));
    for (const init of graph.initializer ?? []) {
      if (!init.name) continue;
      this.types.set(init.name, init.dataType ?? 1);
      this.ranks.set(init.name, (init.dims ?? []).length);
    }
    for (const vi of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
      const tt = vi.type?.tensorType;
      if (!vi.name || !tt) continue;
      if (tt.elemType) this.types.set(vi.name, tt.elemType);
      if (tt.shape?.dim) this.ranks.set(vi.name, tt.shape.dim.length);
    }
    this.nodes.forEach((node, order) => {
      for (const t of node.output ?? []) if (t) this.producers.set(t, { node, order });
      for (const t of node.input ?? []) {
        if (!t) continue;
        const list = this.consumerLists.get(t) ?? [];
        list.push(node);
        this.consumerLists.set(t, list);
      }
      this.inferTypes(node);
    });
  }

  /** The node producing `tensor` (undefined for graph inputs and initializers). */
  producer(tensor: string): Node | undefined {
    return this.producers.get(tensor)?.node;
  }

  /** Position of `tensor`'s producer in node order (-1 when no node produces it). */
  order(tensor: string): number {
    return this.producers.get(tensor)?.order ?? -1;
  }

  /** The nodes reading `tensor`. */
  consumers(tensor: string): Node[] {
    return this.consumerLists.get(tensor) ?? [];
  }

  /** The element type of `tensor` (onnx.proto numbering), when declared or inferable. */
  elemType(tensor: string): number | undefined {
    return this.types.get(tensor);
  }

  /** The rank of `tensor` when value_info, an initializer or the producing op says it. */
  rank(tensor: string): number | undefined {
    return this.ranks.get(tensor);
  }

  private inferTypes(node: Node): void {
    const op = node.opType ?? '';
    const outs = node.output ?? [];
    const ins = node.input ?? [];
    const set = (i: number, t: number | undefined): void => {
      if (outs[i] && t !== undefined && !this.types.has(outs[i])) this.types.set(outs[i], t);
    };
    const typeOf = (i: number): number | undefined => (ins[i] ? this.types.get(ins[i]) : undefined);
    if (op === 'DynamicQuantizeLinear') {
      set(0, 2);
      set(1, 1);
      set(2, 2);
      if (outs[1]) this.ranks.set(outs[1], 0); // the scale and zero point are scalars
      if (outs[2]) this.ranks.set(outs[2], 0);
    } else if (op === 'Constant') set(0, constantType(node));
    else if (op === 'Cast') set(0, int64ToNumber(attr(node, 'to')?.i as number));
    else if (op === 'CastLike') set(0, typeOf(1));
    else if (op === 'QuantizeLinear') set(0, typeOf(2) ?? 2);
    else if (op === 'DequantizeLinear') set(0, typeOf(1) ?? 1);
    else if (op === 'ConstantOfShape') set(0, attr(node, 'value')?.t?.dataType ?? 1);
    else if (op === 'Where') set(0, typeOf(1) ?? typeOf(2));
    else if (INT64_OUT.has(op)) set(0, 7);
    else if (BOOL_OUT.has(op)) set(0, 9);
    else if (INT32_OUT.has(op)) set(0, 6);
    else if (op === 'DynamicQuantizeMatMul' || op === 'MatMulIntegerToFloat') set(0, 1);
    else {
      const t = ins.map((_, i) => typeOf(i)).find((x) => x !== undefined);
      outs.forEach((_, i) => set(i, t));
    }
  }
}
