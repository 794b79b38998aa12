import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '@speechkd/safe-io';

/** Result record of a finished pipeline stage, stored as `<runDir>/stages/<name>.json`. */
export interface StageRecord<T> {
  /** Stage name, e.g. `synth`. */
  name: string;
  /** ISO time the stage finished. */
  finishedAt: string;
  /** Wall-clock seconds the stage took. */
  seconds: number;
  /** Whatever the stage returned (JSON-serializable). */
  result: T;
}

/** Logger used by the pipeline (one line per event, to stderr by default). */
export type Log = (line: string) => void;

function stageFile(runDir: string, name: string): string {
  return path.join(runDir, 'stages', `${name}.json`);
}

/** Writes JSON atomically: temp file then rename, so a crash never leaves a half-written file. */
export { writeJsonAtomic };

/** Reads a finished stage's record, or undefined when the stage has not finished. */
export function readStage<T>(runDir: string, name: string): StageRecord<T> | undefined {
  const file = stageFile(runDir, name);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StageRecord<T>;
}

/**
 * Runs `fn` once per run directory: a stage that finished earlier is reused (its recorded result is
 * returned) so rerunning the pipeline resumes after the last finished stage.
 */
export async function runStage<T>(runDir: string, name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const done = readStage<T>(runDir, name);
  if (done) {
    log(`[speechkd] stage ${name}: reusing result from ${done.finishedAt}`);
    return done.result;
  }
  log(`[speechkd] stage ${name}: start`);
  const t0 = performance.now();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    throw asFailure(err);
  }
  const seconds = (performance.now() - t0) / 1000;
  writeJsonAtomic(stageFile(runDir, name), { name, finishedAt: new Date().toISOString(), seconds, result });
  log(`[speechkd] stage ${name}: done in ${seconds.toFixed(1)} s`);
  return result;
}

/** One or more stages of the main job failed (exit code 1); their own messages were logged above. */
export class StageFailedError extends Error {
  override name = 'StageFailedError';
}

/**
 * An error raised while a stage works is a failure (exit code 1), even one that names a setting (exit code 2
 * means nothing was done, but the stages before this one have run): its `exitCode` is set to 1.
 */
function asFailure(err: unknown): unknown {
  if (err instanceof Error && (err as { exitCode?: unknown }).exitCode === 2) (err as unknown as { exitCode: number }).exitCode = 1;
  return err;
}
