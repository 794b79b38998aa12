import fs from 'node:fs';
import path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CmvnStatsJson } from '@speechkd/audio-features';
import { writeDirAtomicSync } from '@speechkd/safe-io';
import { readModelManifest, readTensors, saveModel, writeJsonAtomic, writeTensors } from '../model/io.js';
import type { WeightPrecision, WeightSpec } from '../model/quantize.js';
import type { StudentModel } from '../model/student.js';
import { writeRecognizerFolder } from '../export/export-recognizer.js';

/** Scalar trainer state saved with every checkpoint (the data order is (epoch, cursor) under the seed). */
export interface TrainerState {
  step: number;
  optimizerStep: number;
  epoch: number;
  cursor: number;
  badSteps: number;
  bestWer: number | null;
  /** Dev CER of the best bundle (null in checkpoints written before `bestMetric` existed). */
  bestCer: number | null;
  bestStep: number | null;
}

/** Error for a missing or unreadable checkpoint; names the path. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const STEP_DIR = /^step-(\d+)$/;

/** Checkpoint directories under `dir`, oldest first. */
export function listCheckpoints(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => STEP_DIR.test(n))
    .sort((a, b) => Number(STEP_DIR.exec(a)![1]) - Number(STEP_DIR.exec(b)![1]))
    .map((n) => path.join(dir, n));
}

/**
 * Writes a checkpoint atomically (temp dir, then rename): model weights, EMA weights, optimizer moments,
 * trainer state and CMVN. Keeps the newest `keepLast` checkpoints.
 */
export function saveCheckpoint(
  root: string,
  parts: {
    model: StudentModel;
    ema?: Map<string, Tensor>;
    optimizer: Array<[string, Tensor]>;
    state: TrainerState;
    cmvn: CmvnStatsJson;
    /** The objective's own variables (distillation heads), if any. */
    objective?: Array<[string, Tensor]>;
  },
  keepLast: number,
): string {
  fs.mkdirSync(root, { recursive: true });
  const name = `step-${String(parts.state.step).padStart(8, '0')}`;
  const dest = path.join(root, name);
  writeDirAtomicSync(dest, (tmp) => {
    saveModel(parts.model, tmp, { cmvn: parts.cmvn, info: { step: parts.state.step } });
    const optSpecs = writeTensors(tmp, 'optimizer.bin', parts.optimizer);
    const emaSpecs = parts.ema ? writeTensors(tmp, 'ema.bin', [...parts.ema.entries()]) : null;
    const objSpecs = parts.objective?.length ? writeTensors(tmp, 'objective.bin', parts.objective) : null;
    writeJsonAtomic(path.join(tmp, 'state.json'), { ...parts.state, optimizer: optSpecs, ema: emaSpecs, objective: objSpecs });
  });
  const all = listCheckpoints(root);
  for (const old of all.slice(0, Math.max(0, all.length - keepLast))) fs.rmSync(old, { recursive: true, force: true });
  return dest;
}

/** Everything a checkpoint holds, as host arrays. */
export interface LoadedCheckpoint {
  dir: string;
  state: TrainerState;
  weights: Map<string, { shape: number[]; values: Float32Array }>;
  optimizer: Map<string, { shape: number[]; values: Float32Array }>;
  ema: Map<string, { shape: number[]; values: Float32Array }> | null;
  /** The objective's own variables, or null when it had none. */
  objective: Map<string, { shape: number[]; values: Float32Array }> | null;
  cmvn: CmvnStatsJson | undefined;
}

/** Reads a checkpoint directory written by `saveCheckpoint`. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const stateFile = path.join(dir, 'state.json');
  if (!fs.existsSync(stateFile)) throw new CheckpointError(`${dir}: not a checkpoint (no state.json)`);
  const raw = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as TrainerState & { optimizer: WeightSpec[]; ema: WeightSpec[] | null; objective?: WeightSpec[] | null };
  const manifest = readModelManifest(dir);
  const group = manifest.weightsManifest[0];
  return {
    dir,
    state: {
      step: raw.step,
      optimizerStep: raw.optimizerStep,
      epoch: raw.epoch,
      cursor: raw.cursor,
      badSteps: raw.badSteps,
      bestWer: raw.bestWer,
      bestCer: raw.bestCer ?? null,
      bestStep: raw.bestStep,
    },
    weights: readTensors(dir, group.paths[0], group.weights),
    optimizer: readTensors(dir, 'optimizer.bin', raw.optimizer),
    ema: raw.ema ? readTensors(dir, 'ema.bin', raw.ema) : null,
    objective: raw.objective ? readTensors(dir, 'objective.bin', raw.objective) : null,
    cmvn: manifest.cmvn,
  };
}

/**
 * Exports an inference bundle atomically at `dest`: the tfjs weights (model.json + weights.bin, for tfjs
 * evaluation and teachers) and the same weights as a `@speechkd/recognizer` model folder (recognizer.json,
 * onnx/ fp32, fp16 and q8, model card).
 */
export function exportBundle(
  model: StudentModel,
  dest: string,
  options: { weights?: Map<string, Tensor>; cmvn: CmvnStatsJson; precision?: WeightPrecision; info?: Record<string, unknown> },
): void {
  writeDirAtomicSync(dest, (tmp) => {
    saveModel(model, tmp, { weights: options.weights, cmvn: options.cmvn, precision: options.precision, info: options.info });
    writeRecognizerFolder(model, tmp, { weights: options.weights, cmvn: options.cmvn, metadata: options.info });
  });
}
