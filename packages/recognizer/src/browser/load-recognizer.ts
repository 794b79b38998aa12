import { openRecognizer } from '../recognizer.js';
import type { ModelRecognizer, OpenRecognizerOptions } from '../recognizer.js';
import type { ModelSource } from '../folder/model-source.js';
import { urlSource } from './url-source.js';
import { ortWebEngine } from './ort-web.js';

/**
 * Loads a model folder in a page as a Recognizer on onnxruntime-web: from a URL (a string) or from a
 * `ModelSource` (e.g. `filesSource(picked)`). `dtype` defaults to q8, as transformers.js does on wasm.
 */
export async function loadRecognizer(folder: string | ModelSource, options: OpenRecognizerOptions = {}): Promise<ModelRecognizer> {
  const source = typeof folder === 'string' ? urlSource(folder) : folder;
  return openRecognizer(source, ortWebEngine, { ...options, dtype: options.dtype ?? 'q8' });
}
