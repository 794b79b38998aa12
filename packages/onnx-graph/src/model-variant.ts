import fs from 'node:fs';
import path from 'node:path';
import { OnnxGraphError } from './proto.js';

/**
 * transformers.js model variants: the `dtype` names it accepts and the file-name suffix of each
 * (`onnx/model<suffix>.onnx`), as in its `DEFAULT_DTYPE_SUFFIX_MAPPING` (utils/dtypes.js, v3/v4).
 */
export const MODEL_DTYPE_SUFFIXES = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q2: '_q2',
  q1: '_q1',
  q4f16: '_q4f16',
  q2f16: '_q2f16',
  q1f16: '_q1f16',
  bnb4: '_bnb4',
} as const;

/** A transformers.js model dtype name (`fp32`, `fp16`, `q8`, ...). */
export type ModelDtype = keyof typeof MODEL_DTYPE_SUFFIXES;

/** The dtype names, in transformers.js' order. */
export const MODEL_DTYPES: readonly ModelDtype[] = Object.keys(MODEL_DTYPE_SUFFIXES) as ModelDtype[];

/** Checks a dtype name from a flag or option (`flag` names it in the error). */
export function parseModelDtype(value: string, flag = '--model-dtype'): ModelDtype {
  if (!(value in MODEL_DTYPE_SUFFIXES)) {
    throw new OnnxGraphError(`${flag} "${value}": not a model dtype; use one of ${MODEL_DTYPES.join(', ')} (transformers.js names: q8 = model_quantized.onnx)`);
  }
  return value as ModelDtype;
}

/** The file name of a variant: `model.onnx`, `model_fp16.onnx`, `model_quantized.onnx`, ... */
export function modelFileName(dtype: ModelDtype, baseName = 'model'): string {
  return `${baseName}${MODEL_DTYPE_SUFFIXES[dtype]}.onnx`;
}

/** Paths, relative to a model folder, where a variant may be: `onnx/<file>` (hub layout) first, then `<file>`. */
export function modelFileCandidates(dtype: ModelDtype, baseName = 'model'): string[] {
  const file = modelFileName(dtype, baseName);
  return [`onnx/${file}`, file];
}

/** The variants present in a local model folder (`onnx/` and top level), as `{ dtype, file }`. */
export function listModelVariants(dir: string, baseName = 'model'): Array<{ dtype: ModelDtype; file: string }> {
  const found: Array<{ dtype: ModelDtype; file: string }> = [];
  for (const dtype of MODEL_DTYPES) {
    const file = modelFileCandidates(dtype, baseName).find((f) => fs.existsSync(path.join(dir, f)));
    if (file) found.push({ dtype, file });
  }
  return found;
}

/**
 * The model file of variant `dtype` in folder `dir` (absolute path). Throws `OnnxGraphError` naming the
 * folder, the files looked for and the variants the folder does have.
 */
export function findModelVariant(dir: string, dtype: ModelDtype, baseName = 'model'): string {
  const candidates = modelFileCandidates(dtype, baseName);
  for (const c of candidates) if (fs.existsSync(path.join(dir, c))) return path.join(dir, c);
  const have = listModelVariants(dir, baseName);
  throw new OnnxGraphError(
    `${dir}: no ${dtype} model (looked for ${candidates.join(', ')}); ` +
      (have.length ? `this folder has ${have.map((v) => `${v.dtype} (${v.file})`).join(', ')}` : 'this folder has no model*.onnx at all'),
  );
}
