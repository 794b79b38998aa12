import { loadRecognizer } from '@speechkd/recognizer';
import type { RecognizerOptions } from '@speechkd/recognizer';
import { ensureRecognizerFolder, loadTfjsRecognizer } from '@speechkd/student-trainer';
import type { Recognizer } from '@speechkd/wer';

/** A recognizer that batches and frees its model (both engines do). */
export type BundleRecognizer = Recognizer & Required<Pick<Recognizer, 'transcribeBatch'>> & { dispose(): void | Promise<void> };

/**
 * A training run's bundle (`final/`) as a Recognizer: on `onnx`, its model folder in @speechkd/recognizer
 * (onnxruntime-node, fp32; a bundle written before the folder format existed is exported in place first);
 * on `tfjs`, its tfjs weights in the trainer.
 */
export async function openBundle(bundle: string, engine: 'onnx' | 'tfjs', options: RecognizerOptions = {}): Promise<BundleRecognizer> {
  if (engine === 'tfjs') return loadTfjsRecognizer(bundle, options);
  ensureRecognizerFolder(bundle);
  return loadRecognizer(bundle, { ...options, dtype: 'fp32', folderLm: false });
}
