import os from 'node:os';
import { MAX_AUTO_WORKERS } from '@speechkd/data-parallel';
import { applyOverrides, DEFAULT_TRAIN_CONFIG, resolveModelConfig, resolveTrainConfig } from '@speechkd/student-trainer';
import type { TrainConfig } from '@speechkd/student-trainer';
import { PipelineConfigError } from './config-error.js';
import type { PipelineConfig } from './pipeline-config.js';

/** Cores of the job (`cores`, or those available to the process) and the data-parallel workers of each training. */
export function coreBudget(cfg: PipelineConfig): { cores: number; workersPerTraining: number } {
  const cores = cfg.cores > 0 ? cfg.cores : os.availableParallelism();
  return { cores, workersPerTraining: Math.max(1, Math.min(MAX_AUTO_WORKERS, Math.floor(cores / cfg.jobs))) };
}

/** `key=value,key=value` pairs of a flag (a part without `=` is an error naming the flag). */
export function parsePairs(spec: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new PipelineConfigError(`--${flag}: "${part}" is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * A speech model's trainer config: the job's settings, then `trainer`, then each `extra` layer of
 * `key=value` pairs in order (a bad pair names the setting it came from).
 */
export function trainConfig(
  cfg: PipelineConfig, corpus: { train: string; dev: string }, model: string, steps: number, runDir: string,
  extra: { flag: keyof PipelineConfig; pairs: string }[] = [], workers = coreBudget(cfg).workersPerTraining,
): TrainConfig {
  return resolveTrainConfig(undefined, {
    model, steps, runDir, workers, train: corpus.train, dev: corpus.dev, seed: cfg.seed, lr: cfg.lr, warmupSteps: cfg.warmupSteps, decay: cfg.decay,
    batchFrames: cfg.batchFrames, specAugment: cfg.specAugment, dropout: cfg.dropout, evalEvery: 0, checkpointEvery: Math.max(1, Math.ceil(steps / 4)), backend: cfg.backend,
    logEvery: steps <= 100 ? 1 : 10,
    // An EMA over ~10% of the run: 0.999 would keep most of the initial weights in a run of a few hundred steps.
    emaDecay: Math.max(0, Math.min(0.999, 1 - 10 / steps)),
    ...parsePairs(cfg.trainer, 'trainer'),
    ...Object.assign({}, ...extra.map((e) => parsePairs(e.pairs, e.flag))),
  });
}


type TrainerLayer = { flag: keyof PipelineConfig; pairs: string };

/**
 * Every problem with the trainer settings the run's trainings would get (the `key=value` flags checked against
 * the trainer's config, then each training's resolved settings against their ranges), one line each naming
 * the training and the flags; empty when all are fine. Nothing is trained or written to find them.
 */
export function checkTrainerSettings(cfg: PipelineConfig, speechTrained: boolean): string[] {
  const problems: string[] = [];
  const layers: TrainerLayer[] = [
    { flag: 'trainer', pairs: cfg.trainer }, { flag: 'teacherTrainer', pairs: cfg.teacherTrainer },
    { flag: 'teacherFinetuneTrainer', pairs: cfg.teacherFinetuneTrainer }, { flag: 'studentTrainer', pairs: cfg.studentTrainer },
  ];
  for (const l of layers) {
    try {
      applyOverrides(DEFAULT_TRAIN_CONFIG, parsePairs(l.pairs, l.flag), `--${l.flag}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  for (const [flag, model] of [['teacherModel', cfg.teacherModel], ['studentModel', cfg.studentModel]] as const) {
    if (flag === 'teacherModel' && !speechTrained) continue;
    try {
      resolveModelConfig(model);
    } catch (err) {
      problems.push(`--${flag}=${model}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) return problems; // the trainings below would only repeat them
  const corpus = { train: 'train.jsonl', dev: 'dev.jsonl' };
  const trainings: Array<{ what: string; model: string; steps: number; extra: TrainerLayer[] }> = [
    ...(speechTrained ? [{ what: 'speech teacher', model: cfg.teacherModel, steps: cfg.teacherSteps, extra: [layers[1]] }] : []),
    ...(speechTrained && cfg.teacherFinetuneSteps > 0 ? [{ what: 'speech teacher, second phase', model: cfg.teacherModel, steps: cfg.teacherSteps + cfg.teacherFinetuneSteps, extra: [layers[1], layers[2]] }] : []),
    { what: 'students', model: cfg.studentModel, steps: cfg.studentSteps, extra: [layers[3]] },
  ];
  for (const t of trainings) {
    try {
      trainConfig(cfg, corpus, t.model, t.steps, 'run', t.extra, 1);
    } catch (err) {
      const from = ['--lr, --warmupSteps, --decay, --dropout, --batchFrames, --trainer', ...t.extra.map((e) => `--${e.flag}`)].join(', ');
      problems.push(`${t.what}: ${(err as Error).message.replace(/\n\s*/g, '; ')} (settings from ${from})`);
    }
  }
  return problems;
}

/** Cached teacher layers from the spec: a comma list, or `uniformK` (K evenly spaced block outputs). */
export function parseSpeechLayers(spec: string, numLayers: number): number[] {
  const uni = /^uniform(\d+)$/.exec(spec);
  if (uni) {
    const k = Math.min(Number(uni[1]), numLayers);
    return [...new Set(Array.from({ length: k }, (_, j) => Math.round(((j + 1) * numLayers) / k)))];
  }
  const layers = spec.split(',').map((s) => Number(s.trim()));
  if (layers.some((l) => !Number.isInteger(l) || l < 0 || l > numLayers)) {
    throw new PipelineConfigError(`--speechLayers=${spec}: use uniformK or a comma list of layers in 0..${numLayers}`);
  }
  return layers;
}

/** A student the job trains: CTC-only (`distill` null) or distilled with these extra distillation settings. */
export interface StudentVariant {
  key: string;
  label: string;
  distill: string | null;
}

/**
 * The students of a run: CTC-only and fully distilled, plus (with `ablations`) soft targets only and soft
 * targets + speech layers. A variant's own settings override `--distill`.
 */
export function studentVariants(cfg: PipelineConfig): StudentVariant[] {
  const m = cfg.studentModel;
  return [
    { key: 'student-ctc', label: `student (${m}, CTC only)`, distill: null },
    ...(cfg.ablations === 'true'
      ? [
          { key: 'student-kd-soft', label: `student (${m}, CTC + soft targets)`, distill: 'speechWeight=0,textWeight=0' },
          { key: 'student-kd-speech', label: `student (${m}, CTC + soft targets + speech layers)`, distill: 'textWeight=0' },
        ]
      : []),
    { key: 'student-kd', label: `student (${m}, distilled)`, distill: '' },
  ];
}

/** The distillation settings of every distilled student the run trains (each on top of `--distill`). */
export function studentDistillSettings(cfg: PipelineConfig): string[] {
  return studentVariants(cfg).flatMap((v) => (v.distill === null ? [] : [v.distill]));
}
