import fs from 'node:fs';
import path from 'node:path';
import { lockDir, makeDirs, writeJsonAtomic } from '@speechkd/safe-io';
import type { DirLock } from '@speechkd/safe-io';
import { DEFAULT_TRAIN_CONFIG, RESUME_IGNORED_KEYS, TRAIN_LOCK_FILE, TrainConfigError } from './config.js';
import type { TrainConfig } from './config.js';
import { listCheckpoints } from './checkpoint.js';

/** Keys holding file paths: equal when they name the same file (`runs/a` and `./runs/a`). */
const PATH_KEYS: ReadonlySet<string> = new Set(['train', 'dev', 'initFrom']);

/** What a run folder holds from an earlier training: a refused config change would mix with these. */
const RESULTS = ['checkpoints', 'best', 'final'];

/** What `--fresh` removes (the features cache stays: it is keyed by the manifests' content). */
const FRESH_REMOVES = [...RESULTS, 'metrics.jsonl', 'curves.svg', 'config.json'];

/** A run folder made with other settings than the command's (exit code 2: nothing was done). */
export class RunDirConflictError extends TrainConfigError {
  override name = 'RunDirConflictError';
}

/**
 * The settings (`key: before -> now`) in which `cfg` differs from a run folder's saved config, ignoring
 * `RESUME_IGNORED_KEYS`; a key the saved config lacks (added later) counts as its default.
 */
export function changedTrainSettings(saved: Record<string, unknown>, cfg: TrainConfig): string[] {
  const was = { ...DEFAULT_TRAIN_CONFIG, ...saved } as Record<string, unknown>;
  const now = cfg as unknown as Record<string, unknown>;
  const same = (k: string): boolean => {
    const [a, b] = [was[k], now[k]];
    if (PATH_KEYS.has(k) && typeof a === 'string' && typeof b === 'string') return (a === '' || b === '') ? a === b : path.resolve(a) === path.resolve(b);
    return JSON.stringify(a) === JSON.stringify(b);
  };
  return (Object.keys(DEFAULT_TRAIN_CONFIG) as (keyof TrainConfig)[])
    .filter((k) => !RESUME_IGNORED_KEYS.includes(k) && !same(k))
    .map((k) => `${k}: ${JSON.stringify(was[k])} -> ${JSON.stringify(now[k])}`);
}

/** An opened run folder: locked by this process, its config saved, and the checkpoint to resume (if any). */
export interface OpenedRunDir {
  lock: DirLock;
  /** The folder's newest checkpoint, which the run continues; undefined for a start from scratch (or `initFrom`). */
  resumeFrom: string | undefined;
}

/**
 * Opens `cfg.runDir` for training: creates it, takes its lock (`train.lock`: a second process training
 * here is refused, a dead one's lock taken over), then compares its saved `config.json` with `cfg`. The
 * same settings resume from the newest checkpoint; other settings in a folder that holds results
 * (checkpoints, `best/`, `final/`) are refused with `RunDirConflictError` naming each differing key, unless
 * `fresh`, which first removes the earlier run (checkpoints, best, final, metrics, curves; not the
 * features cache). Writes `config.json`. The lock is released on any error here.
 */
export function openRunDir(cfg: TrainConfig, opts: { fresh: boolean; log: (line: string) => void }): OpenedRunDir {
  const dir = cfg.runDir;
  makeDirs(dir, { flag: 'runDir' });
  const lock = lockDir(dir, { name: TRAIN_LOCK_FILE, purpose: 'training', log: (l) => opts.log(`[train] ${l}`) });
  try {
    const file = path.join(dir, 'config.json');
    const hasResults = RESULTS.some((n) => fs.existsSync(path.join(dir, n)));
    if (opts.fresh) {
      if (hasResults) opts.log(`[train] --fresh: removing the earlier run in ${dir} (${FRESH_REMOVES.filter((n) => fs.existsSync(path.join(dir, n))).join(', ')})`);
      for (const n of FRESH_REMOVES) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
    } else if (hasResults) {
      const changed = fs.existsSync(file) ? changedTrainSettings(readSavedConfig(file), cfg) : ['config.json: missing, so its settings are unknown'];
      if (changed.length > 0) {
        const last = listCheckpoints(path.join(dir, 'checkpoints')).at(-1);
        throw new RunDirConflictError(
          `runDir ${dir} holds a run made with other settings (${changed.join(', ')}); to start fresh use another runDir, delete the folder, or pass --fresh (removes its checkpoints, best/, final/ and metrics)`
          + (last ? `; to continue its weights with the new settings: initFrom=${last} with another runDir` : ''),
        );
      }
    }
    writeJsonAtomic(file, cfg);
    return { lock, resumeFrom: listCheckpoints(path.join(dir, 'checkpoints')).at(-1) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** A run folder's `config.json` (an unreadable one is a typed error naming it). */
function readSavedConfig(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RunDirConflictError(`${file}: not a training config (does not parse as a JSON object); delete it, or pass --fresh to start over`);
}
