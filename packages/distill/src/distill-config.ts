import { HIDDEN_LOSS_KINDS } from '@speechkd/alignment';
import type { HiddenLossKind } from '@speechkd/alignment';

/** Weights and choices of the distillation objective (all plain values; presets and flags override them). */
export interface DistillConfig {
  /** Weight of the CTC term on the transcript. */
  ctcWeight: number;
  /** Weight of the soft-target term T^2 * KL(teacher || student); 0 disables it. */
  kdWeight: number;
  /** Softening temperature at step 0. */
  temperature: number;
  /** Temperature at `temperatureSteps` (equal to `temperature` for a constant schedule). */
  temperatureEnd: number;
  /** Temperature schedule shape. */
  temperatureSchedule: 'constant' | 'linear' | 'cosine';
  /** Steps over which the temperature anneals. */
  temperatureSteps: number;
  /** Weight of the hidden-state matching to the speech tower (sum over mapped layers' mean); 0 disables it. */
  speechWeight: number;
  /** Student→teacher layer map: `uniform`, `last-K` or explicit pairs `s:t,s:t` (student index 0 = subsampling output). */
  speechLayers: string;
  /** Distance for speech-layer matching. */
  speechLoss: HiddenLossKind;
  /** Weight of the cross-modal frame-to-token alignment to the text tower; 0 disables it. */
  textWeight: number;
  /** Student layer aligned to text (-1 = last). */
  textStudentLayer: number;
  /** Text-tower layer used as target (-1 = last cached). */
  textTeacherLayer: number;
  /** Distance between aligned states. */
  textLoss: HiddenLossKind;
  /** Width of the alignment attention space. */
  textAttnDim: number;
  /** Weight of the utterance-level InfoNCE between pooled student and text states; 0 disables it. */
  contrastiveWeight: number;
  /** InfoNCE temperature. */
  contrastiveTemperature: number;
  /** Steps over which the distillation terms ramp linearly from 0 to their weight (CTC is never ramped). */
  distillWarmupSteps: number;
  /** `fixed` weights, or learned `uncertainty` weighting (Kendall et al.) of the distillation terms. */
  weighting: 'fixed' | 'uncertainty';
  /** Seed of the projection heads and the aligner. */
  seed: number;
}

/** Defaults: every term on, T = 3 constant, uniform layer map, L1 to speech layers, cosine to text. */
export const DEFAULT_DISTILL_CONFIG: Readonly<DistillConfig> = Object.freeze({
  ctcWeight: 1,
  kdWeight: 1,
  temperature: 3,
  temperatureEnd: 3,
  temperatureSchedule: 'constant',
  temperatureSteps: 1000,
  speechWeight: 1,
  speechLayers: 'uniform',
  speechLoss: 'l1',
  textWeight: 1,
  textStudentLayer: -1,
  textTeacherLayer: -1,
  textLoss: 'cosine',
  textAttnDim: 64,
  contrastiveWeight: 0,
  contrastiveTemperature: 0.1,
  distillWarmupSteps: 0,
  weighting: 'fixed',
  seed: 0,
} satisfies DistillConfig);

/** A bad distillation setting (names the key and what is allowed). */
export class DistillConfigError extends Error {
  override name = 'DistillConfigError';
  /**
   * Exit code 2 (safe-io's convention): a bad setting, refused before any work. The main job turns the ones
   * raised while a stage runs (settings against the teacher cache) into failures (1).
   */
  readonly exitCode: number = 2;
}

const ENUMS: Partial<Record<keyof DistillConfig, readonly string[]>> = {
  temperatureSchedule: ['constant', 'linear', 'cosine'],
  speechLoss: HIDDEN_LOSS_KINDS,
  textLoss: HIDDEN_LOSS_KINDS,
  weighting: ['fixed', 'uncertainty'],
};

/** Merges overrides into the defaults, checking keys, types, enums and ranges. */
export function resolveDistillConfig(overrides: Partial<Record<string, unknown>> = {}): DistillConfig {
  const cfg: Record<string, unknown> = { ...DEFAULT_DISTILL_CONFIG };
  for (const [key, raw] of Object.entries(overrides)) {
    if (!(key in DEFAULT_DISTILL_CONFIG)) {
      throw new DistillConfigError(`distill config key "${key}" is unknown; known keys: ${Object.keys(DEFAULT_DISTILL_CONFIG).join(', ')}`);
    }
    const def = (DEFAULT_DISTILL_CONFIG as Record<string, unknown>)[key];
    let value = raw;
    if (typeof def === 'number' && typeof raw === 'string') value = Number(raw);
    if (typeof value !== typeof def || (typeof value === 'number' && !Number.isFinite(value))) {
      throw new DistillConfigError(`distill config key "${key}" must be a ${typeof def}, got ${JSON.stringify(raw)}`);
    }
    const allowed = ENUMS[key as keyof DistillConfig];
    if (allowed && !allowed.includes(value as string)) {
      throw new DistillConfigError(`distill config key "${key}" must be one of ${allowed.join(', ')}, got "${String(value)}"`);
    }
    cfg[key] = value;
  }
  const c = cfg as unknown as DistillConfig;
  for (const k of ['ctcWeight', 'kdWeight', 'speechWeight', 'textWeight', 'contrastiveWeight', 'distillWarmupSteps'] as const) {
    if (c[k] < 0) throw new DistillConfigError(`distill config key "${k}" must be >= 0, got ${c[k]}`);
  }
  for (const k of ['temperature', 'temperatureEnd', 'contrastiveTemperature', 'textAttnDim', 'temperatureSteps'] as const) {
    if (!(c[k] > 0)) throw new DistillConfigError(`distill config key "${k}" must be > 0, got ${c[k]}`);
  }
  return c;
}
