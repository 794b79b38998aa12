import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CmvnStatsJson } from '@speechkd/audio-features';
import { DTYPES, DTYPE_FILES, RECOGNIZER_MANIFEST, studentFeatureSpec } from '@speechkd/recognizer';
import { writeFileAtomic } from '@speechkd/safe-io';
import type { CharNgramLm, DecodingSpec, Dtype, OnnxVariant, RecognizerManifest } from '@speechkd/recognizer';
import type { Tensor } from '@tensorflow/tfjs-core';
import { subsampledLength } from '../model/config.js';
import { CHAR_VOCAB } from '../model/vocab.js';
import { loadModel, writeJsonAtomic } from '../model/io.js';
import type { StudentModel } from '../model/student.js';
import { ONNX_IO, exportOnnx } from './onnx-export.js';
import { onnxWeightVariant } from './onnx-weights.js';
import { modelCard } from './model-card.js';

/** Shortest input (feature frames) that leaves one frame after the x4 subsampling (7). */
const MIN_FRAMES = ((): number => {
  let n = 1;
  while (subsampledLength(n) < 1) n++;
  return n;
})();

/** Options of `writeRecognizerFolder`. */
export interface RecognizerFolderOptions {
  /** Weights to export instead of the model's variables (the EMA shadow). */
  weights?: ReadonlyMap<string, Tensor>;
  /** Global CMVN statistics of the training features. */
  cmvn?: CmvnStatsJson;
  /** ONNX variants to write (default all: fp32, fp16, q8). */
  dtypes?: readonly Dtype[];
  /** A character LM to ship (`lm.json`); the folder then recommends beam search with it. */
  lm?: { model: CharNgramLm; weight: number; bonus: number; beamSize: number };
  /** Provenance for the manifest and the card (training run, step, dev WER...). */
  metadata?: Record<string, unknown>;
}

/**
 * Writes a model folder that `@speechkd/recognizer` loads in Node or a page: `onnx/model.onnx` (fp32),
 * `onnx/model_fp16.onnx`, `onnx/model_quantized.onnx` (q8), optionally `lm.json`, the model card `README.md`,
 * and `recognizer.json` last (features with the CMVN, vocabulary, graph interface, variants with sizes and
 * SHA-256, decoding settings, metadata). Files already in `dir` (e.g. the tfjs weights) stay.
 */
export function writeRecognizerFolder(model: StudentModel, dir: string, options: RecognizerFolderOptions = {}): RecognizerManifest {
  const dtypes = options.dtypes ?? DTYPES;
  const fp32 = exportOnnx(model, { weights: options.weights });
  const variants: Partial<Record<Dtype, OnnxVariant>> = {};
  for (const dtype of dtypes) {
    const bytes = onnxWeightVariant(fp32, dtype, `${model.config.name} (${dtype})`);
    writeFileAtomic(path.join(dir, DTYPE_FILES[dtype]), bytes);
    variants[dtype] = { file: DTYPE_FILES[dtype], bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  let decoding: DecodingSpec = { decoder: 'greedy' };
  if (options.lm) {
    writeFileAtomic(path.join(dir, 'lm.json'), JSON.stringify(options.lm.model.toJSON()));
    decoding = { decoder: 'beam', beamSize: options.lm.beamSize, lmWeight: options.lm.weight, lmBonus: options.lm.bonus };
  }
  const cfg = model.config;
  const manifest: RecognizerManifest = {
    format: 'speechkd-recognizer',
    version: 1,
    name: cfg.name,
    task: 'ctc',
    parameters: model.numParams(),
    features: studentFeatureSpec(cfg.numMelBins, options.cmvn),
    vocab: [...CHAR_VOCAB],
    blank: 0,
    onnx: {
      inputs: { features: ONNX_IO.features, lengths: ONNX_IO.lengths },
      outputs: { logits: ONNX_IO.logits, logitLengths: ONNX_IO.logitLengths },
      minFrames: MIN_FRAMES,
      variants,
    },
    decoding,
    ...(options.lm ? { lm: 'lm.json' } : {}),
    card: 'README.md',
    metadata: { architecture: cfg, ...options.metadata },
  };
  writeFileAtomic(path.join(dir, 'README.md'), modelCard(manifest));
  writeJsonAtomic(path.join(dir, RECOGNIZER_MANIFEST), manifest);
  return manifest;
}

/** Exports a saved training bundle (`model.json` + `weights.bin`) as a model folder at `out` (default: in place). */
export function exportRecognizerFolder(bundle: string, out = bundle, options: Omit<RecognizerFolderOptions, 'weights' | 'cmvn'> = {}): RecognizerManifest {
  const { model, manifest } = loadModel(bundle);
  try {
    return writeRecognizerFolder(model, out, { ...options, cmvn: manifest.cmvn, metadata: { ...manifest.info, precision: manifest.precision, ...options.metadata } });
  } finally {
    model.dispose();
  }
}
