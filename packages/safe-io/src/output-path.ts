import fs from 'node:fs';
import path from 'node:path';
import { describeWriteError, diagnoseFolder, nearestExisting, OutputPathError } from './output-path-error.js';

/** Options of the output-path checks. */
export interface OutputPathOptions {
  /** The command-line flag that named the path (`--out`); error messages start with it. */
  flag?: string;
  /** Bytes the output will need; checked against the free space when the file system reports it. */
  needBytes?: number;
}

/**
 * Bytes free for this process on the file system holding `p` (root may use the reserved blocks), or
 * null when unknown (no statfs, or a pseudo file system such as /proc that reports no blocks).
 */
export function freeBytes(p: string): number | null {
  try {
    const s = fs.statfsSync(nearestExisting(p));
    if (s.blocks === 0) return null;
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    return (root ? s.bfree : s.bavail) * s.bsize;
  } catch {
    return null;
  }
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function checkSpace(dir: string, target: string, options: OutputPathOptions): void {
  const free = freeBytes(dir);
  const need = Math.max(1, options.needBytes ?? 0);
  if (free !== null && free < need) {
    const detail = options.needBytes ? `${mib(free)} free, ${mib(options.needBytes)} needed` : 'the disk is full';
    throw new OutputPathError(target, 'no-space', `no space left on the device (${detail}); free some space or choose another disk`, { flag: options.flag, code: 'ENOSPC' });
  }
}

/**
 * Checks, without creating anything, that `dir` can be an output folder: it is a folder or can be
 * created (no file on the way), its file system is writable and has free space (`needBytes` when
 * given, else any). Throws `OutputPathError`; returns the absolute path.
 */
export function checkOutputDir(dir: string, options: OutputPathOptions = {}): string {
  const abs = path.resolve(dir);
  const problem = diagnoseFolder(abs, dir, options.flag);
  if (problem) throw problem;
  checkSpace(abs, dir, options);
  return abs;
}

/**
 * Checks, without creating anything, that `file` can be written: not a folder, and its folder passes
 * `checkOutputDir`. An existing file is fine (atomic writes replace it). Returns the absolute path.
 */
export function checkOutputFile(file: string, options: OutputPathOptions = {}): string {
  const abs = path.resolve(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new OutputPathError(file, 'is-a-directory', `${abs} is a folder, not a file; name a file`, { flag: options.flag });
  const problem = diagnoseFolder(path.dirname(abs), file, options.flag);
  if (problem) throw problem;
  checkSpace(path.dirname(abs), file, options);
  return abs;
}

/**
 * `mkdir -p`, one level at a time (Node 20's recursive mkdirSync spins forever under /proc, and
 * reports ENOENT instead of EROFS on a read-only disk); errors become `OutputPathError` naming
 * `options.target` (default `dir`: the file the folder is made for, say) and `options.flag`.
 */
export function makeDirs(dir: string, options: { flag?: string; target?: string } = {}): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw describeWriteError(err, options.target ?? dir, { flag: options.flag, folder: path.dirname(d) });
    }
  }
}

/**
 * `checkOutputDir`, then creates the folder and proves it writable with a probe file (removed at
 * once). For library entry points and for the second phase of `SettingsCheck`. Returns the absolute path.
 */
export function prepareOutputDir(dir: string, options: OutputPathOptions = {}): string {
  const abs = checkOutputDir(dir, options);
  makeDirs(abs, { flag: options.flag, target: dir });
  const probe = path.join(abs, `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
  } catch (err) {
    throw describeWriteError(err, dir, { flag: options.flag, folder: abs });
  } finally {
    fs.rmSync(probe, { force: true });
  }
  return abs;
}

/** `checkOutputFile`, then creates the file's folder. Returns the absolute path. */
export function prepareOutputFile(file: string, options: OutputPathOptions = {}): string {
  const abs = checkOutputFile(file, options);
  makeDirs(path.dirname(abs), { flag: options.flag, target: file });
  return abs;
}
