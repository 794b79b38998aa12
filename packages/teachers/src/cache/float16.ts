// The conversions live in @speechkd/onnx-graph (ONNX float16 tensors need them too); the cache stores float16 with them.
export { float16ToFloat32, float32ToFloat16 } from '@speechkd/onnx-graph';
