import { checkOutputDir, OutputPathError, SettingsError } from '@speechkd/safe-io';
import type { SettingProblem } from '@speechkd/safe-io';
import type { PipelineConfig } from './pipeline-config.js';

/**
 * Free space each output folder needs at the least: a finished `--preset=micro` run writes ~40 MB under
 * `--runsDir` and ~11 MB under `--dataDir` (measured); larger presets need more.
 */
export const MIN_FREE_BYTES = 64 * 2 ** 20;

/**
 * Checks the job's output folders (`--runsDir`, `--dataDir`) before any stage runs, creating nothing: no
 * file in the way, a writable disk with at least `MIN_FREE_BYTES` free. Every problem comes in one
 * `SettingsError` (exit code 2) naming the flag, the path and the cause in plain words.
 */
export function checkOutputFolders(cfg: Pick<PipelineConfig, 'runsDir' | 'dataDir'>): void {
  const problems: SettingProblem[] = [];
  for (const [flag, dir] of [['--runsDir', cfg.runsDir], ['--dataDir', cfg.dataDir]] as const) {
    try {
      checkOutputDir(dir, { flag, needBytes: MIN_FREE_BYTES });
    } catch (err) {
      if (!(err instanceof OutputPathError)) throw err;
      problems.push({ flag, problem: err.message.slice(flag.length + 1) });
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
}
