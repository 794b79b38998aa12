import { TextTowerError } from '../errors.js';

/** Architecture of the in-project BERT-style text tower. */
export interface TextTowerConfig {
  /** Rows of the compact embedding table (WordPiece ids used by the corpus, see CompactVocab). */
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  /** Longest sequence including [CLS]/[SEP] (size of the position table). */
  maxTokens: number;
  layerNormEps: number;
}

/** Default architecture (vocabSize comes from the corpus): 4 layers, hidden 128, 4 heads. */
export const TOWER_DEFAULTS: Omit<TextTowerConfig, 'vocabSize'> = {
  hidden: 128, layers: 4, heads: 4, intermediate: 512, maxTokens: 64, layerNormEps: 1e-12,
};

/** Presets: `tiny` for tests and smoke runs, `small` (the default) for real runs. */
export const TOWER_PRESETS: Record<string, Omit<TextTowerConfig, 'vocabSize'>> = {
  tiny: { hidden: 32, layers: 2, heads: 2, intermediate: 64, maxTokens: 48, layerNormEps: 1e-12 },
  small: TOWER_DEFAULTS,
};

/** Checks the config; the error names the offending key. */
export function checkTowerConfig(c: TextTowerConfig): TextTowerConfig {
  for (const key of ['vocabSize', 'hidden', 'layers', 'heads', 'intermediate', 'maxTokens'] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) throw new TextTowerError(`text tower config: ${key} must be a positive integer, got ${c[key]}`);
  }
  if (c.hidden % c.heads !== 0) throw new TextTowerError(`text tower config: hidden ${c.hidden} is not divisible by heads ${c.heads}`);
  if (c.maxTokens < 3) throw new TextTowerError(`text tower config: maxTokens ${c.maxTokens} must be at least 3`);
  return c;
}
