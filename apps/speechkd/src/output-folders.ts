import { checkOutputDir, OutputPathError, SettingsError } from '@speechkd/safe-io';
import type { SettingProblem } from '@speechkd/safe-io';
import type { PipelineConfig } from './pipeline-config.js';

/**
 * Free space each output folder needs at the least: a finished `--preset=micro` run writes ~40 MB under
 * `--runsDir` and ~11 MB under `--dataDir` (measured); larger presets need more.
 */
export const MIN_FREE_BYTES = 64 * 2 ** 20;

/**
 * Checks the job's output folders (`--runsDir`, `--dataDir`, and `extra` ones such as release's `--out`)
 * before any stage runs, creating nothing: no file in the way, a writable disk with at least
 * `MIN_FREE_BYTES` free (runsDir and dataDir) or any space (the others). Every problem comes in one
 * `SettingsError` (exit code 2) naming the flag, the path and the cause in plain words.
 */
export function checkOutputFolders(cfg: Pick<PipelineConfig, 'runsDir' | 'dataDir'>, extra: Record<string, string | undefined> = {}): void {
  const problems: SettingProblem[] = [];
  const folders: Array<{ flag: string; dir: string | undefined; needBytes?: number }> = [
    { flag: '--runsDir', dir: cfg.runsDir, needBytes: MIN_FREE_BYTES }, { flag: '--dataDir', dir: cfg.dataDir, needBytes: MIN_FREE_BYTES },
    ...Object.entries(extra).map(([flag, dir]) => ({ flag, dir })),
  ];
  for (const { flag, dir, needBytes } of folders) {
    if (dir === undefined) continue;
    try {
      checkOutputDir(dir, { flag, needBytes });
    } catch (err) {
      if (!(err instanceof OutputPathError)) throw err;
      problems.push({ flag, problem: err.message.slice(flag.length + 1) });
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
}
