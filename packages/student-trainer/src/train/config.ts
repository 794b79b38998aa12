import fs from 'node:fs';
import { checkOutputDir, OutputPathError } from '@speechkd/safe-io';
import { MODEL_PRESETS } from '../model/config.js';

/** Every training setting; `DEFAULT_TRAIN_CONFIG` holds the defaults (nanoGPT style: plain values). */
export interface TrainConfig {
  /** Model preset (student-xs, student-s, teacher-m, test-tiny). */
  model: string;
  /** Dropout override for the model (-1 keeps the preset's). */
  dropout: number;
  /** Residual-branch initialization gain override for the model (-1 keeps the preset's; see ModelConfig). */
  residualInitScale: number;
  /** Training manifest (JSONL, @speechkd/librispeech format). */
  train: string;
  /** Dev manifest for WER evaluation ('' disables evaluation). */
  dev: string;
  /** Run directory (metrics, checkpoints, final model, config). */
  runDir: string;
  /**
   * A checkpoint directory (another run's `checkpoints/step-N`) to start from instead of from scratch: a
   * later training phase with other settings continues it exactly (weights, optimizer, EMA, step, data
   * order). On `--resume` the run's own newest checkpoint comes first. '' starts from scratch.
   */
  initFrom: string;
  /** Seed of initialization, shuffling, SpecAugment and dropout. */
  seed: number;
  /** Total optimizer steps. */
  steps: number;
  /** Wall-clock budget in minutes (0: none); when spent the run ends as if `steps` were reached. */
  timeLimitMinutes: number;
  /** Padded frames per batch (batch size x longest utterance) before subsampling. */
  batchFrames: number;
  /** Most utterances per batch. */
  maxBatch: number;
  /** Utterances longer than this many frames are skipped (0 keeps all). */
  maxFrames: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up steps. */
  warmupSteps: number;
  /** Decay after warm-up: inverse-sqrt, cosine, linear (to minLr at the last step) or constant. */
  decay: 'inverse-sqrt' | 'cosine' | 'linear' | 'constant';
  /** Cosine/linear decay starts here (earlier steps keep the peak rate); 0 = right after warm-up. */
  decayStart: number;
  /** Floor of the learning rate (cosine end value). */
  minLr: number;
  /** Decoupled weight decay (AdamW); 0 gives Adam. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Global gradient-norm clip (0 disables). */
  clipNorm: number;
  /** EMA decay of the weights (0 disables); the EMA weights are evaluated and exported. */
  emaDecay: number;
  /** Apply SpecAugment to training features. */
  specAugment: boolean;
  freqMasks: number;
  freqMaskWidth: number;
  timeMasks: number;
  timeMaskWidth: number;
  /** Log metrics every N steps. */
  logEvery: number;
  /** Dev WER every N steps (0: only at the end). */
  evalEvery: number;
  /** Evaluate at most this many dev utterances (0: all). */
  evalMaxUtts: number;
  /**
   * Dev metric that picks the `best/` bundle: `cer` (default) or `wer`. An empty transcript scores exactly
   * 100% WER, which beats a young model that already spells most characters but still inserts words.
   */
  bestMetric: 'cer' | 'wer';
  /** Checkpoint every N steps. */
  checkpointEvery: number;
  /** Keep the last K checkpoints (plus best). */
  keepLast: number;
  /** Stop after this many skipped (non-finite) steps. */
  maxBadSteps: number;
  /** Decoder for dev WER: greedy or beam. */
  decoder: 'greedy' | 'beam';
  beamSize: number;
  /** Tensor backend: auto, wasm, cpu, tensorflow, tensorflow-gpu. */
  backend: string;
  /**
   * Data-parallel workers: this thread plus `workers - 1` helper threads, each with its own backend and model
   * replica, splitting every batch (0 = the cores available, at most 8; 1 on a native tfjs backend). The
   * result does not depend on it beyond float rounding, and checkpoints resume with any worker count.
   */
  workers: number;
}

/** Defaults of every key. */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  model: 'student-s',
  dropout: -1,
  residualInitScale: -1,
  train: '',
  dev: '',
  runDir: 'runs/student',
  initFrom: '',
  seed: 1,
  steps: 20000,
  timeLimitMinutes: 0,
  batchFrames: 2000,
  maxBatch: 32,
  maxFrames: 2000,
  lr: 1e-3,
  warmupSteps: 1000,
  decay: 'inverse-sqrt',
  decayStart: 0,
  minLr: 1e-5,
  weightDecay: 1e-2,
  beta1: 0.9,
  beta2: 0.98,
  epsilon: 1e-9,
  clipNorm: 1.0,
  emaDecay: 0.999,
  specAugment: true,
  freqMasks: 2,
  freqMaskWidth: 27,
  timeMasks: 2,
  timeMaskWidth: 40,
  logEvery: 10,
  evalEvery: 1000,
  evalMaxUtts: 0,
  bestMetric: 'cer',
  checkpointEvery: 500,
  keepLast: 3,
  maxBadSteps: 50,
  decoder: 'greedy',
  beamSize: 8,
  backend: 'auto',
  workers: 0,
} as TrainConfig);

/** The lock file a training takes in its run folder (JSON: pid, host, startedAt, command). */
export const TRAIN_LOCK_FILE = 'train.lock';

/**
 * Settings that may differ between a run folder's `config.json` and the command that resumes it: they
 * change where or how fast the run computes and what it logs, not the weights it trains nor its data
 * order (`workers` and `backend` change float rounding only; a checkpoint resumes with any worker count).
 * `evalEvery` and `evalMaxUtts` change how often and on how many dev utterances the dev score that picks
 * `best/` is measured. `runDir` is the folder itself. Every other key must match.
 */
export const RESUME_IGNORED_KEYS: readonly (keyof TrainConfig)[] = Object.freeze([
  'workers', 'backend', 'logEvery', 'timeLimitMinutes', 'evalEvery', 'evalMaxUtts', 'keepLast', 'checkpointEvery', 'runDir',
] as const);

/** Error for a bad config file, unknown key or bad value; names the key and the source. */
export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
  /** Exit code 2 (safe-io's convention): the settings are wrong and nothing was done. */
  readonly exitCode: number = 2;
}

const CHOICES: Partial<Record<keyof TrainConfig, readonly string[]>> = {
  decay: ['inverse-sqrt', 'cosine', 'linear', 'constant'],
  decoder: ['greedy', 'beam'],
  bestMetric: ['cer', 'wer'],
  backend: ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'],
};

function coerce(key: keyof TrainConfig, raw: unknown, source: string): unknown {
  const def = DEFAULT_TRAIN_CONFIG[key];
  let v: unknown = raw;
  if (typeof def === 'number') {
    v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrainConfigError(`${source}: "${key}" must be a number, got ${JSON.stringify(raw)}`);
  } else if (typeof def === 'boolean') {
    if (raw === 'true' || raw === true) v = true;
    else if (raw === 'false' || raw === false) v = false;
    else throw new TrainConfigError(`${source}: "${key}" must be true or false, got ${JSON.stringify(raw)}`);
  } else if (typeof raw !== 'string') {
    throw new TrainConfigError(`${source}: "${key}" must be a string, got ${JSON.stringify(raw)}`);
  }
  const choices = CHOICES[key];
  if (choices && !choices.includes(v as string)) throw new TrainConfigError(`${source}: "${key}" must be one of ${choices.join(', ')}, got "${String(v)}"`);
  return v;
}

/** The overrides merged into `base`, and every unknown key or ill-typed value (one line each; such keys keep `base`'s value). */
function mergeOverrides(base: TrainConfig, overrides: Record<string, unknown>, source: string): { cfg: TrainConfig; problems: string[] } {
  const cfg: TrainConfig = { ...base };
  const problems: string[] = [];
  for (const [k, raw] of Object.entries(overrides)) {
    if (!(k in DEFAULT_TRAIN_CONFIG)) {
      problems.push(`${source}: unknown config key "${k}"; known keys: ${Object.keys(DEFAULT_TRAIN_CONFIG).join(', ')}`);
      continue;
    }
    try {
      (cfg as unknown as Record<string, unknown>)[k] = coerce(k as keyof TrainConfig, raw, source);
    } catch (err) {
      if (!(err instanceof TrainConfigError)) throw err;
      problems.push(err.message);
    }
  }
  return { cfg, problems };
}

/** One `TrainConfigError` for a list of problems (one line each). */
export function trainConfigError(problems: readonly string[]): TrainConfigError {
  return new TrainConfigError(problems.length === 1 ? problems[0] : `${problems.length} problems with the training settings:\n  ${problems.join('\n  ')}`);
}

/** Merges overrides into a config, rejecting unknown keys and ill-typed values (all of them in one error). */
export function applyOverrides(base: TrainConfig, overrides: Record<string, unknown>, source: string): TrainConfig {
  const { cfg, problems } = mergeOverrides(base, overrides, source);
  if (problems.length > 0) throw trainConfigError(problems);
  return cfg;
}

/** Parses `--key=value` / `--key value` flags into a plain object (values stay strings). */
export function parseKeyValueFlags(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new TrainConfigError(`argument "${a}": expected --key=value`);
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) out[a.slice(2)] = args[++i];
    else out[a.slice(2)] = 'true';
  }
  return out;
}

type Range = { int?: boolean; min?: number; minExclusive?: number; maxExclusive?: number; or?: number };

/** The range of every numeric key (`or`: a special value allowed outside it, e.g. -1 = the preset's). */
const RANGES: Partial<Record<keyof TrainConfig, Range>> = {
  dropout: { min: 0, maxExclusive: 1, or: -1 },
  residualInitScale: { minExclusive: 0, or: -1 },
  seed: { int: true, min: 0 },
  steps: { int: true, min: 1 },
  timeLimitMinutes: { min: 0 },
  batchFrames: { int: true, min: 1 },
  maxBatch: { int: true, min: 1 },
  maxFrames: { int: true, min: 0 },
  lr: { minExclusive: 0 },
  warmupSteps: { int: true, min: 0 },
  decayStart: { int: true, min: 0 },
  minLr: { min: 0 },
  weightDecay: { min: 0 },
  beta1: { min: 0, maxExclusive: 1 },
  beta2: { min: 0, maxExclusive: 1 },
  epsilon: { minExclusive: 0 },
  clipNorm: { min: 0 },
  emaDecay: { min: 0, maxExclusive: 1 },
  freqMasks: { int: true, min: 0 },
  freqMaskWidth: { int: true, min: 0 },
  timeMasks: { int: true, min: 0 },
  timeMaskWidth: { int: true, min: 0 },
  logEvery: { int: true, min: 1 },
  evalEvery: { int: true, min: 0 },
  evalMaxUtts: { int: true, min: 0 },
  checkpointEvery: { int: true, min: 1 },
  keepLast: { int: true, min: 1 },
  maxBadSteps: { int: true, min: 0 },
  beamSize: { int: true, min: 1 },
  workers: { int: true, min: 0 },
};

function describeRange(r: Range): string {
  const parts = [r.int ? 'an integer' : 'a number'];
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.minExclusive !== undefined) parts.push(`> ${r.minExclusive}`);
  if (r.maxExclusive !== undefined) parts.push(`< ${r.maxExclusive}`);
  return `${parts.join(' ')}${r.or !== undefined ? ` (or ${r.or})` : ''}`;
}

/**
 * Every problem with a config's values (ranges, the model preset, settings that contradict each other), one
 * line each naming the key; empty when it is fine. A run is refused before anything is written when any is found.
 */
export function checkTrainConfig(cfg: TrainConfig): string[] {
  const out: string[] = [];
  for (const [key, r] of Object.entries(RANGES) as Array<[keyof TrainConfig, Range]>) {
    const v = cfg[key] as number;
    if (r.or !== undefined && v === r.or) continue;
    const bad = !Number.isFinite(v) || (r.int && !Number.isInteger(v)) || (r.min !== undefined && v < r.min)
      || (r.minExclusive !== undefined && v <= r.minExclusive) || (r.maxExclusive !== undefined && v >= r.maxExclusive);
    if (bad) out.push(`"${key}" must be ${describeRange(r)}, got ${v}`);
  }
  if (!(cfg.model in MODEL_PRESETS)) out.push(`"model" must be one of ${Object.keys(MODEL_PRESETS).join(', ')}, got "${cfg.model}"`);
  if (cfg.lr > 0 && cfg.minLr > cfg.lr) out.push(`"minLr" (${cfg.minLr}) must not exceed "lr" (${cfg.lr})`);
  return out;
}

/**
 * What a training run needs beyond valid values, one line each naming the key: a training manifest, the
 * files `train`, `dev` and `initFrom` name exist, and the run folder can be written (no file in the way, a
 * writable disk with free space). Nothing is created.
 */
export function checkTrainRun(cfg: TrainConfig): string[] {
  const out: string[] = [];
  if (!cfg.train) out.push('"train" (the training manifest) is required: pass --train=FILE or set it in --config');
  for (const key of ['train', 'dev', 'initFrom'] as const) {
    if (cfg[key] && !fs.existsSync(cfg[key])) out.push(`"${key}": ${cfg[key]} does not exist`);
  }
  try {
    checkOutputDir(cfg.runDir, { flag: 'runDir' });
  } catch (err) {
    if (!(err instanceof OutputPathError)) throw err;
    out.push(`"runDir": ${err.message.slice('runDir '.length)}`);
  }
  return out;
}

/**
 * Resolves defaults <- preset file (JSON) <- flags; every problem (unknown keys, types, ranges and, with
 * `run`, what `checkTrainRun` checks) in one error.
 */
export function resolveTrainConfig(configFile: string | undefined, flags: Record<string, unknown>, options: { run?: boolean } = {}): TrainConfig {
  let cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG };
  const problems: string[] = [];
  if (configFile) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new TrainConfigError(`--config ${configFile}: cannot read JSON (${(err as Error).message})`);
    }
    const fromFile = mergeOverrides(cfg, obj, configFile);
    cfg = fromFile.cfg;
    problems.push(...fromFile.problems);
  }
  const fromFlags = mergeOverrides(cfg, flags, 'command line');
  problems.push(...fromFlags.problems, ...checkTrainConfig(fromFlags.cfg), ...(options.run ? checkTrainRun(fromFlags.cfg) : []));
  if (problems.length > 0) throw trainConfigError(problems);
  return fromFlags.cfg;
}
