import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { describeWriteError } from './output-path-error.js';
import { makeDirs } from './output-path.js';

/** Matches the temp names this module writes (`<name>.tmp-<pid>-<thread>-<n>`), and the older `.tmp-<pid>`. */
export const TEMP_NAME_PATTERN: RegExp = /\.tmp-\d+(-\d+)*$/;

let counter = 0;

/** Removes a temp file, ignoring every error (it may never have been created). */
function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { force: true });
  } catch {
    // nothing to remove
  }
}

/** A temp path next to `target` that no other write (this process, thread or call) uses. */
export function tempPathFor(target: string): string {
  counter += 1;
  return `${target}.tmp-${process.pid}-${threadId}-${counter}`;
}

/** Options of the atomic writes. */
export interface AtomicWriteOptions {
  /** fsync the data before the rename (durable across a power loss; default false). */
  fsync?: boolean;
  /** Create the file's folder when missing (default true). */
  mkdir?: boolean;
  /** The command-line flag that named the path; errors start with it. */
  flag?: string;
}

/**
 * A file written under a temp name and renamed into place by `commit()`: readers see the old file or
 * the whole new one, never a part. Every failure (open, write, fsync, rename) removes the temp file
 * and throws `OutputPathError` naming the target and the cause; `abort()` drops an unfinished write.
 */
export class AtomicFile {
  /** Where the file goes. */
  readonly path: string;
  /** The temp file being written. */
  readonly tempPath: string;
  private fd: number;
  private readonly options: AtomicWriteOptions;

  private constructor(target: string, tempPath: string, fd: number, options: AtomicWriteOptions) {
    this.path = target;
    this.tempPath = tempPath;
    this.fd = fd;
    this.options = options;
  }

  /** Opens a temp file next to `target` (creating the folder unless `mkdir: false`). */
  static open(target: string, options: AtomicWriteOptions = {}): AtomicFile {
    const tmp = tempPathFor(target);
    let fd: number;
    try {
      try {
        fd = fs.openSync(tmp, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || options.mkdir === false) throw err;
        makeDirs(path.dirname(path.resolve(target)), { flag: options.flag, target });
        fd = fs.openSync(tmp, 'wx');
      }
    } catch (err) {
      removeQuietly(tmp);
      throw describeWriteError(err, target, { flag: options.flag });
    }
    return new AtomicFile(target, tmp, fd, options);
  }

  /** Appends bytes or UTF-8 text. */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      if (this.fd < 0) throw new Error(`${this.path}: write after commit or abort`);
      for (let off = 0; off < bytes.byteLength;) off += fs.writeSync(this.fd, bytes, off, bytes.byteLength - off);
    } catch (err) {
      this.abort();
      throw describeWriteError(err, this.path, { flag: this.options.flag });
    }
  }

  /** Flushes (fsync when asked), closes and renames the temp file onto the target. */
  commit(): void {
    try {
      if (this.fd < 0) throw new Error(`${this.path}: commit after commit or abort`);
      if (this.options.fsync) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.tempPath, this.path);
    } catch (err) {
      this.abort();
      throw describeWriteError(err, this.path, { flag: this.options.flag });
    }
  }

  /** Closes and removes the temp file (safe to call twice, and after a failed commit). */
  abort(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // the descriptor is gone either way
      }
      this.fd = -1;
    }
    removeQuietly(this.tempPath);
  }
}

/** Writes `data` to `file` atomically (temp file, then rename); see `AtomicFile` for the guarantees. */
export function writeFileAtomic(file: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const f = AtomicFile.open(file, options);
  f.write(data);
  f.commit();
}

/** Writes `value` as JSON (`indent` spaces, default 2, and a final newline) atomically. */
export function writeJsonAtomic(file: string, value: unknown, options: AtomicWriteOptions & { indent?: number } = {}): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, options.indent ?? 2)}\n`, options);
}

/** Deletes the temp files (`TEMP_NAME_PATTERN`) a killed run left anywhere under `dir`; returns how many. */
export function removeStaleTemps(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && TEMP_NAME_PATTERN.test(entry.name)) {
      fs.rmSync(path.join(entry.parentPath, entry.name), { force: true });
      removed++;
    }
  }
  return removed;
}
