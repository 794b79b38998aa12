import { ModelFolderError } from './model-folder-error.js';

/**
 * Weight precision of an ONNX variant, named as transformers.js names them: `fp32`, `fp16` (float16 weights,
 * float32 compute) and `q8` (int8 weights, symmetric per output channel, behind DequantizeLinear, which
 * onnxruntime fuses into int8 MatMulNBits).
 */
export type Dtype = 'fp32' | 'fp16' | 'q8';

/** Every dtype, in order of size. */
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8'];

/** Where each variant lives inside a model folder (transformers.js' file names). */
export const DTYPE_FILES: Readonly<Record<Dtype, string>> = Object.freeze({
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
});

/** Checks a dtype given by a user (a flag, a URL parameter); `what` names where it came from. */
export function parseDtype(value: string, what = 'dtype'): Dtype {
  if (!(DTYPES as readonly string[]).includes(value)) throw new ModelFolderError(`${what} must be one of ${DTYPES.join(', ')}, got "${value}"`);
  return value as Dtype;
}
