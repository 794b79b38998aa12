import type { onnx as OnnxNs } from 'onnx-proto';
import { onnx, OnnxGraphError } from './proto.js';

// Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.output = 12 (both length-delimited).
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;

function readVarint(b: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= b.length) throw new OnnxGraphError('model bytes end inside a varint; pass an .onnx file');
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Skips one field's value of wire type `wire` starting at `pos`. */
function skip(b: Uint8Array, pos: number, wire: number): number {
  if (wire === 0) return readVarint(b, pos)[1];
  if (wire === 1) return pos + 8;
  if (wire === 5) return pos + 4;
  if (wire === 2) {
    const [len, p] = readVarint(b, pos);
    return p + len;
  }
  throw new OnnxGraphError(`unsupported protobuf wire type ${wire} in the model; pass an .onnx file`);
}

/**
 * Appends `outputs` to the graph outputs of serialized ModelProto `bytes` without decoding and
 * re-encoding the model (protobuf concatenates repeated fields, so the new ValueInfoProtos go after the
 * graph's bytes and only the graph's length prefix changes): one copy instead of an encode, which takes
 * seconds for a model of hundreds of MiB.
 */
export function appendGraphOutputs(bytes: Uint8Array, outputs: OnnxNs.IValueInfoProto[]): Uint8Array {
  let pos = 0;
  while (pos < bytes.length) {
    const start = pos;
    const [tag, p] = readVarint(bytes, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === MODEL_GRAPH && wire === 2) {
      const [len, body] = readVarint(bytes, p);
      const end = body + len;
      const extra = outputs.map((o) => {
        const enc = onnx.ValueInfoProto.encode(onnx.ValueInfoProto.create(o)).finish();
        return Uint8Array.from([...varint((GRAPH_OUTPUT << 3) | 2), ...varint(enc.length), ...enc]);
      });
      const extraLen = extra.reduce((s, e) => s + e.length, 0);
      const head = Uint8Array.from([...varint((MODEL_GRAPH << 3) | 2), ...varint(len + extraLen)]);
      const out = new Uint8Array(start + head.length + len + extraLen + (bytes.length - end));
      let o = 0;
      for (const part of [bytes.subarray(0, start), head, bytes.subarray(body, end), ...extra, bytes.subarray(end)]) {
        out.set(part, o);
        o += part.length;
      }
      return out;
    }
    pos = skip(bytes, p, wire);
  }
  throw new OnnxGraphError('the model has no graph; pass an exported .onnx model');
}
