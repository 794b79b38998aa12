import onnxProto from 'onnx-proto';

/** The ONNX protobuf namespace (onnx-proto, generated from the official onnx.proto with protobufjs). */
export const onnx: typeof onnxProto.onnx = onnxProto.onnx;
/** Namespace alias so callers can name message types (`onnx.IModelProto`, ...). */
export type { onnx as OnnxTypes } from 'onnx-proto';

/** Error for malformed models and bad rewrite requests; the message names the tensor/file and what to do. */
export class OnnxGraphError extends Error {
  override name = 'OnnxGraphError';
}

/** ONNX TensorProto element types used here (values from onnx.proto). */
export const ElemType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/** Converts a protobuf int64 field (number or Long) to a JS number. */
export function int64ToNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes ONNX ModelProto bytes; throws OnnxGraphError (naming `what`) when the bytes are not a model. */
export function decodeModel(bytes: Uint8Array, what = 'model'): onnxProto.onnx.ModelProto {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxGraphError(`${what}: not a valid ONNX ModelProto (${(err as Error).message}); pass an .onnx file`);
  }
  if (!model.graph) throw new OnnxGraphError(`${what}: ONNX model has no graph; pass an exported .onnx model`);
  return model;
}

/** Encodes a ModelProto to bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
