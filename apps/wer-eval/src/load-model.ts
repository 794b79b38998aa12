import { loadRecognizer, parseDtype } from '@speechkd/recognizer';
import type { Recognizer } from '@speechkd/wer';
import { WerEvalError } from './errors.js';

/**
 * Loads a model folder (`recognizer.json` + `onnx/`, written by speechkd-train) through @speechkd/recognizer on
 * onnxruntime-node; `dtype` picks the ONNX variant (fp32, fp16 or q8; default fp32).
 */
export async function loadModelRecognizer(dir: string, dtype = 'fp32'): Promise<Recognizer> {
  try {
    return await loadRecognizer(dir, { dtype: parseDtype(dtype, '--dtype') });
  } catch (err) {
    if ((err as Error).name === 'ModelFolderError') throw new WerEvalError(`--model ${dir}: ${(err as Error).message}`);
    throw err;
  }
}
