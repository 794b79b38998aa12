import { CHAR_VOCAB } from './vocab.js';

/** Architecture of the single-tower Conformer-style CTC model. */
export interface ModelConfig {
  /** Preset name this config came from (informational). */
  name: string;
  /** Input feature bins (fbank). */
  numMelBins: number;
  /** Channels of the x4 subsampling convolutions. */
  subsamplingChannels: number;
  /** Model width. */
  dim: number;
  /** Number of Conformer blocks. */
  numLayers: number;
  /** Attention heads (dim must divide evenly). */
  numHeads: number;
  /** Feed-forward inner width. */
  ffDim: number;
  /** Depthwise convolution kernel size along time (odd). */
  convKernel: number;
  /** Dropout rate used when training. */
  dropout: number;
  /** Output classes (CTC blank included). */
  vocabSize: number;
  /**
   * Gain on the Glorot initialization of the output projection of every block's residual branches (both
   * feed-forward `w2`, attention `wo`, convolution `pw2`); 1 is plain Glorot. With small gains each block
   * starts near the identity, which is what lets the 6- and 8-block presets learn with CTC from scratch on
   * the small corpus (RESULTS.md, issue 6). Used only when a model is created; saved models keep it as
   * information.
   */
  residualInitScale: number;
}

/** Error for an invalid model configuration or unknown preset; names the key. */
export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
  /** Exit code 2 (safe-io's convention): a bad model setting or model.json, found before any work. */
  readonly exitCode: number = 2;
}

const BASE = { numMelBins: 80, dropout: 0.1, vocabSize: CHAR_VOCAB.length, residualInitScale: 1 };
/** The residual-branch gain of the presets with 6 or more blocks (the init probe of RESULTS.md, issue 6). */
const DEEP = { residualInitScale: 0.1 };

/**
 * Named presets: student-xs (~1M params), student-s (~3M), teacher-s (~5x student-xs), teacher-m (~4x student-s).
 * The presets with 6 or more blocks start their residual branches at 0.1 of Glorot (`residualInitScale`).
 */
export const MODEL_PRESETS: Readonly<Record<string, ModelConfig>> = {
  'student-xs': { ...BASE, name: 'student-xs', subsamplingChannels: 64, dim: 96, numLayers: 4, numHeads: 4, ffDim: 384, convKernel: 15 },
  'student-s': { ...BASE, name: 'student-s', subsamplingChannels: 96, dim: 144, numLayers: 6, numHeads: 4, ffDim: 576, convKernel: 15, ...DEEP },
  // The speech teacher the 2-core experiment of RESULTS.md can train in about an hour (student-xs is 19% of it).
  'teacher-s': { ...BASE, name: 'teacher-s', subsamplingChannels: 96, dim: 192, numLayers: 6, numHeads: 4, ffDim: 768, convKernel: 15, ...DEEP },
  // teacher-s with four blocks (student-xs is 26% of it).
  'teacher-s4': { ...BASE, name: 'teacher-s4', subsamplingChannels: 96, dim: 192, numLayers: 4, numHeads: 4, ffDim: 768, convKernel: 15 },
  'teacher-m': { ...BASE, name: 'teacher-m', subsamplingChannels: 128, dim: 256, numLayers: 8, numHeads: 4, ffDim: 1024, convKernel: 15, ...DEEP },
  // Tests only: tiny and fast.
  'test-tiny': { ...BASE, name: 'test-tiny', subsamplingChannels: 8, dim: 16, numLayers: 2, numHeads: 2, ffDim: 32, convKernel: 5 },
};

/** Returns a preset by name, optionally overridden; validates every field. */
export function resolveModelConfig(preset: string | ModelConfig, overrides: Partial<ModelConfig> = {}): ModelConfig {
  let base: ModelConfig;
  if (typeof preset === 'string') {
    const p = MODEL_PRESETS[preset];
    if (!p) throw new ModelConfigError(`model preset "${preset}" is unknown; use one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
    base = p;
  } else {
    // Models saved before `residualInitScale` existed were initialized with plain Glorot.
    base = { ...preset, residualInitScale: (preset as Partial<ModelConfig>).residualInitScale ?? 1 };
  }
  const cfg: ModelConfig = { ...base, ...overrides };
  for (const key of Object.keys(cfg) as Array<keyof ModelConfig>) {
    if (!(key in MODEL_PRESETS['student-s'])) throw new ModelConfigError(`model config key "${key}" is unknown`);
  }
  const ints: Array<keyof ModelConfig> = ['numMelBins', 'subsamplingChannels', 'dim', 'numLayers', 'numHeads', 'ffDim', 'convKernel', 'vocabSize'];
  for (const k of ints) {
    const v = cfg[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ModelConfigError(`model config "${k}" must be a positive integer, got ${String(v)}`);
  }
  if (cfg.dim % cfg.numHeads !== 0) throw new ModelConfigError(`model config "dim" (${cfg.dim}) must be divisible by "numHeads" (${cfg.numHeads})`);
  if (cfg.convKernel % 2 !== 1) throw new ModelConfigError(`model config "convKernel" must be odd, got ${cfg.convKernel}`);
  if (!(typeof cfg.residualInitScale === 'number' && cfg.residualInitScale > 0 && Number.isFinite(cfg.residualInitScale))) {
    throw new ModelConfigError(`model config "residualInitScale" must be a positive number, got ${String(cfg.residualInitScale)}`);
  }
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new ModelConfigError(`model config "dropout" must be in [0, 1), got ${cfg.dropout}`);
  return cfg;
}

/** Frames after the x4 subsampling (two 3x3 stride-2 valid convolutions). */
export function subsampledLength(frames: number): number {
  const t1 = Math.floor((frames - 1) / 2);
  return Math.max(0, Math.floor((t1 - 1) / 2));
}
