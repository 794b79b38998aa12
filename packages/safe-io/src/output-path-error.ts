import fs from 'node:fs';
import path from 'node:path';

/** Why an output path cannot be written. */
export type OutputProblem =
  | 'read-only'
  | 'no-space'
  | 'is-a-file'
  | 'is-a-directory'
  | 'not-a-directory'
  | 'permission-denied'
  | 'missing'
  | 'other';

/**
 * An output path that cannot be written; the message names the path (and the flag, when one was given)
 * and says the cause in plain words, e.g. `--out /mnt/cd/out: cannot write here: the file system is
 * read-only (EROFS); choose a folder on a writable disk`.
 */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
  /** The output path the caller asked for. */
  readonly path: string;
  /** The cause. */
  readonly problem: OutputProblem;
  /** The operating system's error code (EROFS, ENOSPC, ...), when there was one. */
  readonly code: string | undefined;
  /** The command-line flag that named the path, when known. */
  readonly flag: string | undefined;

  constructor(target: string, problem: OutputProblem, detail: string, options: { flag?: string; code?: string } = {}) {
    super(`${options.flag ? `${options.flag} ` : ''}${target}: cannot write here: ${detail}`);
    this.path = target;
    this.problem = problem;
    this.code = options.code;
    this.flag = options.flag;
  }
}

/** Plain words for the operating-system error codes a user can cause. */
export const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the file or folder is busy',
  EIO: 'input/output error (a failing disk?)',
};

/** `err.code` when `err` is an operating-system error, else undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** The nearest existing ancestor of `p` (itself when it exists); a file in the middle of the path is returned too. */
export function nearestExisting(p: string): string {
  let cur = path.resolve(p);
  for (;;) {
    try {
      fs.statSync(cur);
      return cur;
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return cur;
    }
    const up = path.dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

/**
 * Why a folder is not writable: checks the nearest existing ancestor of `dir` (a file there, a
 * read-only file system, no permission). Returns undefined when nothing is wrong with it.
 */
export function diagnoseFolder(dir: string, target: string, flag?: string): OutputPathError | undefined {
  const abs = path.resolve(dir);
  const existing = nearestExisting(abs);
  let st: fs.Stats;
  try {
    st = fs.statSync(existing);
  } catch (err) {
    return fromErrno(err, target, existing, flag);
  }
  if (!st.isDirectory()) {
    return existing === abs
      ? new OutputPathError(target, 'is-a-file', `${existing} is a file, not a folder; choose a folder path or remove the file`, { flag })
      : new OutputPathError(target, 'not-a-directory', `${existing} is a file, not a folder`, { flag });
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (err) {
    return fromErrno(err, target, existing, flag);
  }
  return undefined;
}

function fromErrno(err: unknown, target: string, where: string, flag?: string): OutputPathError {
  const code = errnoCode(err);
  switch (code) {
    case 'EROFS':
      return new OutputPathError(target, 'read-only', 'the file system is read-only (EROFS); choose a folder on a writable disk', { flag, code });
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputPathError(target, 'no-space', `${ERRNO_WORDS[code]} (${code}); free some space or choose another disk`, { flag, code });
    case 'EACCES':
    case 'EPERM':
      return new OutputPathError(target, 'permission-denied', `permission denied on ${where} (${code}); choose a folder you can write to`, { flag, code });
    case 'EISDIR':
      return new OutputPathError(target, 'is-a-directory', `${target} is a folder, not a file; name a file`, { flag, code });
    case 'ENOTDIR':
    case 'EEXIST':
      return new OutputPathError(target, code === 'EEXIST' ? 'is-a-file' : 'not-a-directory', `${nearestExisting(where)} is a file, not a folder`, { flag, code });
    default:
      return new OutputPathError(target, 'other', code ? `${ERRNO_WORDS[code] ?? 'the system refused'} (${code}) at ${where}` : String((err as Error)?.message ?? err), { flag, code });
  }
}

/**
 * Turns an error from writing `target` into an `OutputPathError` with the real cause: an ENOENT
 * from a recursive mkdir on a read-only disk, for example, becomes "the file system is read-only".
 * `folder` is the folder the write went to (default: `target`'s). Errors that are not
 * operating-system errors are returned unchanged.
 */
export function describeWriteError(err: unknown, target: string, options: { flag?: string; folder?: string } = {}): unknown {
  if (err instanceof OutputPathError) return err;
  const code = errnoCode(err);
  if (code === undefined) return err;
  const { flag } = options;
  const dir = path.resolve(options.folder ?? path.dirname(path.resolve(target)));
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') {
    const found = diagnoseFolder(dir, target, flag);
    if (found) return found;
    if (code === 'ENOENT') {
      const detail = fs.existsSync(dir) ? `the file system refused to create anything in ${dir} (ENOENT); choose another folder` : `the folder ${dir} does not exist (ENOENT)`;
      return new OutputPathError(target, 'missing', detail, { flag, code });
    }
  }
  return fromErrno(err, target, dir, flag);
}
