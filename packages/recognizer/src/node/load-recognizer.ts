import { openRecognizer } from '../recognizer.js';
import type { ModelRecognizer, OpenRecognizerOptions } from '../recognizer.js';
import { directorySource } from './fs-source.js';
import { ortNodeEngine } from './ort-node.js';

/**
 * Loads a model folder (`recognizer.json` + `onnx/`) from disk as a Recognizer on onnxruntime-node. `dtype`
 * picks the ONNX variant (default fp32); decoding is greedy unless options or the folder's LM say otherwise.
 */
export async function loadRecognizer(dir: string, options: OpenRecognizerOptions = {}): Promise<ModelRecognizer> {
  return openRecognizer(directorySource(dir), ortNodeEngine, { ...options, dtype: options.dtype ?? 'fp32' });
}
