import type { TrainConfig } from './config.js';

/** Learning rate at optimizer step `step` (0-based): linear warm-up to `lr`, then the configured decay. */
export function learningRate(step: number, cfg: Pick<TrainConfig, 'lr' | 'warmupSteps' | 'decay' | 'minLr' | 'steps'> & { decayStart?: number }): number {
  const s = step + 1;
  const w = Math.max(1, cfg.warmupSteps);
  if (s <= w) return (cfg.lr * s) / w;
  let lr: number;
  if (cfg.decay === 'constant') lr = cfg.lr;
  else if (cfg.decay === 'inverse-sqrt') lr = cfg.lr * Math.sqrt(w / s);
  else {
    const start = Math.max(w, cfg.decayStart ?? 0);
    const progress = Math.min(1, Math.max(0, s - start) / Math.max(1, cfg.steps - start));
    lr = cfg.decay === 'linear'
      ? cfg.lr + (cfg.minLr - cfg.lr) * progress
      : cfg.minLr + 0.5 * (cfg.lr - cfg.minLr) * (1 + Math.cos(Math.PI * progress));
  }
  return Math.max(cfg.minLr, lr);
}
