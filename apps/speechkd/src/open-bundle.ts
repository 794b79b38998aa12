import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RECOGNIZER_MANIFEST, loadRecognizer } from '@speechkd/recognizer';
import type { RecognizerOptions } from '@speechkd/recognizer';
import { exportRecognizerFolder, loadTfjsRecognizer } from '@speechkd/student-trainer';
import type { Recognizer } from '@speechkd/wer';

/** A recognizer that batches and frees its model (both engines do). */
export type BundleRecognizer = Recognizer & Required<Pick<Recognizer, 'transcribeBatch'>> & { dispose(): void | Promise<void> };

/**
 * A training bundle (`final/`, a released model's folder) as a Recognizer: on `onnx`, its model folder in
 * @speechkd/recognizer (onnxruntime-node, fp32); a bundle without one (written before the folder format, or a
 * release of tfjs weights) is exported to a temporary folder first, never into the bundle. On `tfjs`, its tfjs
 * weights in the trainer.
 */
export async function openBundle(bundle: string, engine: 'onnx' | 'tfjs', options: RecognizerOptions = {}): Promise<BundleRecognizer> {
  if (engine === 'tfjs') return loadTfjsRecognizer(bundle, options);
  const load = (dir: string) => loadRecognizer(dir, { ...options, dtype: 'fp32', folderLm: false });
  if (fs.existsSync(path.join(bundle, RECOGNIZER_MANIFEST))) return load(bundle);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-folder-'));
  try {
    exportRecognizerFolder(bundle, tmp, { dtypes: ['fp32'] });
    return await load(tmp); // the session holds the graph; the files can go
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
