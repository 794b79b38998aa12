import type { Recognizer } from '@speechkd/wer';
import { WerEvalError } from './errors.js';

// Resolved at run time so wer-eval builds and scores external hypotheses without the trainer.
const INFERENCE_ENTRY = '@speechkd/student-trainer/inference';

/**
 * Loads a trained student from `dir` through `@speechkd/student-trainer/inference`: `loadRecognizer`
 * (tfjs) or, with engine `onnx`, `loadOnnxRecognizer` (onnxruntime).
 */
export async function loadModelRecognizer(dir: string, engine: 'tfjs' | 'onnx' = 'tfjs'): Promise<Recognizer> {
  let mod: { loadRecognizer?: (dir: string) => Promise<Recognizer>; loadOnnxRecognizer?: (dir: string) => Promise<Recognizer> };
  try {
    mod = (await import(INFERENCE_ENTRY)) as typeof mod;
  } catch (err) {
    throw new WerEvalError(`--model ${dir}: cannot load ${INFERENCE_ENTRY} (${(err as Error).message}); build the workspace (npm run build) or score an external --hyp file`);
  }
  const load = engine === 'onnx' ? mod.loadOnnxRecognizer : mod.loadRecognizer;
  if (typeof load !== 'function') {
    throw new WerEvalError(`--model ${dir}: ${INFERENCE_ENTRY} does not export ${engine === 'onnx' ? 'loadOnnxRecognizer' : 'loadRecognizer'}(dir)`);
  }
  return load(dir);
}
