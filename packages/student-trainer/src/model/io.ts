import fs from 'node:fs';
import path from 'node:path';
import { AtomicFile, writeJsonAtomic as writeJson } from '@speechkd/safe-io';
import { tf } from '@speechkd/tensor-backend';
import type { CmvnStatsJson } from '@speechkd/audio-features';
import type { Tensor } from '@tensorflow/tfjs-core';
import { resolveModelConfig } from './config.js';
import type { ModelConfig } from './config.js';
import { ParamStore } from './params.js';
import { StudentModel } from './student.js';
import { decodeTensor, encodeTensor, specByteLength } from './quantize.js';
import type { WeightPrecision, WeightSpec } from './quantize.js';
import { CHAR_VOCAB } from './vocab.js';

/** Contents of a saved model directory's `model.json` (tfjs-style weights manifest plus speechkd metadata). */
export interface ModelManifest {
  format: 'speechkd-student';
  version: 1;
  modelConfig: ModelConfig;
  precision: WeightPrecision;
  vocab: string[];
  /** Global CMVN statistics of the training features (applied before the model). */
  cmvn?: CmvnStatsJson;
  /** Free-form provenance (step, WER, run name). */
  info?: Record<string, unknown>;
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

/** Error for a model directory that cannot be read or written; names the path. */
export class ModelIoError extends Error {
  override name = 'ModelIoError';
}

/** Writes named tensors to `dir/<binName>` and returns their specs (atomic per file). */
export function writeTensors(dir: string, binName: string, tensors: Array<[string, Tensor]>, precision: WeightPrecision = 'float32'): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const file = AtomicFile.open(path.join(dir, binName));
  for (const [name, t] of tensors) {
    const { spec, bytes } = encodeTensor(name, t.shape.slice(), t.dataSync() as Float32Array, precision);
    specs.push(spec);
    file.write(bytes);
  }
  file.commit();
  return specs;
}

/** Reads tensors written by `writeTensors` (as float32 values with their shapes). */
export function readTensors(dir: string, binName: string, specs: WeightSpec[]): Map<string, { shape: number[]; values: Float32Array }> {
  const file = path.join(dir, binName);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new ModelIoError(`${file}: cannot read weights (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let off = 0;
  for (const spec of specs) {
    const len = specByteLength(spec);
    if (off + len > buf.length) throw new ModelIoError(`${file}: truncated (weight "${spec.name}" needs ${len} bytes at offset ${off})`);
    out.set(spec.name, { shape: spec.shape, values: decodeTensor(spec, buf.subarray(off, off + len)) });
    off += len;
  }
  return out;
}

/** Writes a JSON file atomically (one-space indent, the format of model.json and state.json). */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeJson(file, value, { indent: 1 });
}

/** Saves a model (config, vocab, optional CMVN, weights at `precision`) into `dir` (created if needed). */
export function saveModel(
  model: StudentModel,
  dir: string,
  options: { precision?: WeightPrecision; cmvn?: CmvnStatsJson; info?: Record<string, unknown>; weights?: Map<string, Tensor> } = {},
): ModelManifest {
  fs.mkdirSync(dir, { recursive: true });
  const precision = options.precision ?? 'float32';
  const source = options.weights ?? model.params.vars;
  const entries = [...model.params.vars.keys()].map((name): [string, Tensor] => [name, source.get(name) as Tensor]);
  const specs = writeTensors(dir, 'weights.bin', entries, precision);
  const manifest: ModelManifest = {
    format: 'speechkd-student',
    version: 1,
    modelConfig: model.config,
    precision,
    vocab: [...CHAR_VOCAB],
    cmvn: options.cmvn,
    info: options.info,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  writeJsonAtomic(path.join(dir, 'model.json'), manifest);
  return manifest;
}

/** Reads `dir/model.json`, failing with a typed error that names the file. */
export function readModelManifest(dir: string): ModelManifest {
  const file = path.join(dir, 'model.json');
  let m: ModelManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelManifest;
  } catch (err) {
    throw new ModelIoError(`${file}: cannot read model manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a directory written by saveModel / speechkd-train`);
  }
  if (m.format !== 'speechkd-student') throw new ModelIoError(`${file}: not a speechkd student model (format "${String(m.format)}")`);
  return m;
}

/** Loads a saved model directory into a new StudentModel (weights dequantized to float32). */
export function loadModel(dir: string): { model: StudentModel; manifest: ModelManifest } {
  const manifest = readModelManifest(dir);
  const cfg = resolveModelConfig(manifest.modelConfig);
  const group = manifest.weightsManifest[0];
  const values = readTensors(dir, group.paths[0], group.weights);
  const params = new ParamStore(0);
  for (const spec of group.weights) {
    const v = values.get(spec.name)!;
    params.add(spec.name, tf.tensor(v.values, v.shape));
  }
  return { model: new StudentModel(cfg, params), manifest };
}

/** Overwrites a model's variables from saved tensors (names and shapes must match). */
export function assignWeights(model: StudentModel, values: Map<string, { shape: number[]; values: Float32Array }>): void {
  for (const [name, v] of model.params.vars) {
    const src = values.get(name);
    if (!src) throw new ModelIoError(`checkpoint lacks weight "${name}"`);
    if (src.shape.join(',') !== v.shape.join(',')) throw new ModelIoError(`weight "${name}" has shape [${src.shape}] in the checkpoint, [${v.shape}] in the model`);
    const t = tf.tensor(src.values, src.shape);
    v.assign(t);
    t.dispose();
  }
}
