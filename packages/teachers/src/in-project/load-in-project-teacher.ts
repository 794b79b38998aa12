import fs from 'node:fs';
import path from 'node:path';
import { CmvnStats } from '@speechkd/audio-features';
import { computeFeatures, normalizeFeatures } from '@speechkd/recognizer';
import { listCheckpoints, loadModel, readModelManifest } from '@speechkd/student-trainer';
import { initBackend } from '@speechkd/tensor-backend';
import { TeacherLoadError } from '../errors.js';
import { sha1Parts } from '../fingerprint.js';
import type { SpeechTeacher } from '../speech-teacher.js';
import { createModelSpeechTeacher } from './model-speech-teacher.js';
import { createOnnxModelSpeechTeacher } from './onnx-model-speech-teacher.js';
import type { FeatureFrames } from './model-speech-teacher.js';

/** Kaldi frame shift the trainer's features use (10 ms -> 100 frames/s). */
const FEATURE_RATE = 100;
/** Time subsampling of the trainer's conv front end (two stride-2 convolutions). */
const SUBSAMPLING = 4;

/**
 * The model directory to load: `dir` itself when it holds `model.json`; for a training run directory its
 * `best/` export, else `final/`, else the newest `step-*` checkpoint.
 */
export function resolveModelDir(dir: string): string {
  if (fs.existsSync(path.join(dir, 'model.json'))) return dir;
  for (const sub of ['best', 'final']) if (fs.existsSync(path.join(dir, sub, 'model.json'))) return path.join(dir, sub);
  const steps = listCheckpoints(dir).filter((d) => fs.existsSync(path.join(d, 'model.json')));
  if (steps.length) return steps[steps.length - 1];
  throw new TeacherLoadError(`${dir}: no model.json here nor in best/, final/ or step-* checkpoints; pass a model directory written by speechkd-train`);
}

/** Options of `loadInProjectSpeechTeacher`. */
export interface InProjectTeacherOptions {
  /** tfjs (the trainer's forward; default) or onnx (the exported graph with its hidden states in onnxruntime, faster on CPU). */
  engine?: 'tfjs' | 'onnx';
  /** onnxruntime intra-op threads (engine onnx; default 1). */
  threads?: number;
}

/**
 * Loads a trained in-project model (e.g. `teacher-m`) as a SpeechTeacher: the trainer's features (Kaldi
 * fbank, no dither) + the checkpoint's global CMVN, then forward with every hidden state (25 frames/s).
 * The fingerprint hashes model.json and the weight files (and names the engine: the two agree to float
 * rounding, not bit for bit).
 */
export async function loadInProjectSpeechTeacher(dir: string, options: InProjectTeacherOptions = {}): Promise<SpeechTeacher> {
  await initBackend();
  const modelDir = resolveModelDir(dir);
  const manifest = readModelManifest(modelDir);
  const { model } = loadModel(modelDir);
  const cmvn = manifest.cmvn ? CmvnStats.fromJSON(manifest.cmvn, `${modelDir}/model.json cmvn`) : undefined;
  const numMelBins = model.config.numMelBins;
  // The trainer's own feature pipeline, so teacher inputs match what the model was trained on.
  const features = (x: Float32Array): FeatureFrames => normalizeFeatures(computeFeatures(x, 16000, numMelBins), cmvn);
  const files = [path.join(modelDir, 'model.json'), ...manifest.weightsManifest.flatMap((g) => g.paths.map((p) => path.join(modelDir, p)))];
  const engine = options.engine ?? 'tfjs';
  if (engine !== 'tfjs' && engine !== 'onnx') throw new TeacherLoadError(`loadInProjectSpeechTeacher: engine must be tfjs or onnx, got "${String(engine)}"`);
  const tag = engine === 'onnx' ? 'in-project-speech-onnx' : 'in-project-speech';
  const fingerprint = sha1Parts([`${tag}:fbank${numMelBins}:shift10ms:x${SUBSAMPLING}`, ...files.map((f) => new Uint8Array(fs.readFileSync(f)))]);
  const name = `${model.config.name}(${path.relative(process.cwd(), modelDir) || '.'}${engine === 'onnx' ? ', onnxruntime' : ''})`;
  if (engine === 'onnx') {
    try {
      return await createOnnxModelSpeechTeacher(model, { features, frameRate: FEATURE_RATE / SUBSAMPLING, name, fingerprint, threads: options.threads });
    } finally {
      model.dispose();
    }
  }
  return createModelSpeechTeacher(model, { features, featureRate: FEATURE_RATE, subsampling: SUBSAMPLING, featureConfig: { numMelBins, cmvn: !!cmvn }, fingerprint, name });
}
