import type { Recognizer } from '@speechkd/wer';
import { WerEvalError } from './errors.js';

// Resolved at run time so wer-eval builds and scores external hypotheses without the trainer.
const INFERENCE_ENTRY = '@speechkd/student-trainer/inference';

/** Loads a trained student from `dir` through `@speechkd/student-trainer/inference`'s `loadRecognizer` on tfjs or onnxruntime. */
export async function loadModelRecognizer(dir: string, engine: 'tfjs' | 'onnx' = 'tfjs'): Promise<Recognizer> {
  let mod: { loadRecognizer?: (dir: string, options: { engine: 'tfjs' | 'onnx' }) => Promise<Recognizer> };
  try {
    mod = (await import(INFERENCE_ENTRY)) as typeof mod;
  } catch (err) {
    throw new WerEvalError(`--model ${dir}: cannot load ${INFERENCE_ENTRY} (${(err as Error).message}); build the workspace (npm run build) or score an external --hyp file`);
  }
  if (typeof mod.loadRecognizer !== 'function') {
    throw new WerEvalError(`--model ${dir}: ${INFERENCE_ENTRY} does not export loadRecognizer(dir)`);
  }
  return mod.loadRecognizer(dir, { engine });
}
