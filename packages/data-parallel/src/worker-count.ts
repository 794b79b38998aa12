import os from 'node:os';

/** Most workers the automatic choice uses: beyond this the per-step averaging and the serial update dominate small models. */
export const MAX_AUTO_WORKERS = 8;

/**
 * Workers a training uses when none are asked for: the cores available to this process (affinity
 * respected), at most MAX_AUTO_WORKERS; 1 on a native tfjs backend, which already uses every core.
 */
export function defaultWorkerCount(backend?: string): number {
  if (backend === 'tensorflow' || backend === 'tensorflow-gpu') return 1;
  return Math.max(1, Math.min(MAX_AUTO_WORKERS, os.availableParallelism()));
}

/** Resolves a `workers` setting: 0 (or undefined) = automatic, else the integer asked for (>= 1). */
export function resolveWorkerCount(requested: number | undefined, backend?: string): number {
  if (requested === undefined || requested === 0) return defaultWorkerCount(backend);
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`workers must be 0 (automatic) or an integer >= 1, got ${requested}`);
  return requested;
}
