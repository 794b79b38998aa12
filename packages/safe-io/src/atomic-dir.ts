import fs from 'node:fs';
import path from 'node:path';
import { tempPathFor } from './atomic-file.js';
import { describeWriteError } from './output-path-error.js';
import { makeDirs } from './output-path.js';

/** Options of the atomic folder writes. */
export interface AtomicDirOptions {
  /** The command-line flag that named the path; errors start with it. */
  flag?: string;
}

function begin(dest: string, options: AtomicDirOptions): string {
  const tmp = tempPathFor(dest);
  try {
    makeDirs(path.dirname(path.resolve(dest)), { flag: options.flag, target: dest });
    fs.mkdirSync(tmp);
  } catch (err) {
    throw describeWriteError(err, dest, { flag: options.flag });
  }
  return tmp;
}

/**
 * Moves the finished folder `tmp` onto `dest`: an existing `dest` is first moved aside, then removed
 * (so a crash leaves the old or the new folder, never a mix). On failure the old folder is put back.
 */
export function replaceDir(tmp: string, dest: string, options: AtomicDirOptions = {}): void {
  const old = fs.existsSync(dest) ? tempPathFor(`${dest}.old`) : undefined;
  try {
    if (old) fs.renameSync(dest, old);
    fs.renameSync(tmp, dest);
  } catch (err) {
    if (old && !fs.existsSync(dest) && fs.existsSync(old)) fs.renameSync(old, dest);
    throw describeWriteError(err, dest, { flag: options.flag });
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

function fail(tmp: string, err: unknown, dest: string, options: AtomicDirOptions): never {
  fs.rmSync(tmp, { recursive: true, force: true });
  throw describeWriteError(err, dest, { flag: options.flag });
}

/**
 * Builds a folder atomically: `fill(tmp)` writes into a fresh temp folder next to `dest`, which then
 * replaces `dest` (see `replaceDir`). When `fill` or the move fails the temp folder is removed and
 * the error rethrown (disk errors as `OutputPathError` naming `dest`). Returns `dest`.
 */
export function writeDirAtomicSync(dest: string, fill: (tmp: string) => void, options: AtomicDirOptions = {}): string {
  const tmp = begin(dest, options);
  try {
    fill(tmp);
    replaceDir(tmp, dest, options);
  } catch (err) {
    fail(tmp, err, dest, options);
  }
  return dest;
}

/** `writeDirAtomicSync` with an asynchronous `fill`. */
export async function writeDirAtomic(dest: string, fill: (tmp: string) => Promise<void>, options: AtomicDirOptions = {}): Promise<string> {
  const tmp = begin(dest, options);
  try {
    await fill(tmp);
    replaceDir(tmp, dest, options);
  } catch (err) {
    fail(tmp, err, dest, options);
  }
  return dest;
}
