import { ERRNO_WORDS, errnoCode } from './output-path-error.js';

/** Exit codes shared by every speechkd command-line tool. */
export const EXIT_CODES = {
  /** Done. */
  ok: 0,
  /** A problem the user can fix met while working: a bad input file, a full disk, a typed error. */
  failure: 1,
  /** The command line or the settings are wrong; nothing was done. */
  usage: 2,
  /** An unexpected error, most likely a bug (BSD EX_SOFTWARE). */
  internal: 70,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** A wrong command line (unknown command, missing or bad flag); the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One problem with one setting. */
export interface SettingProblem {
  /** The flag or setting, e.g. `--batch-size`. */
  flag: string;
  /** What is wrong and what is allowed, e.g. `must be an integer >= 1 (got "0")`. */
  problem: string;
}

/** Every problem `SettingsCheck` found, in one message (one line each); exit code 2. */
export class SettingsError extends UsageError {
  override name = 'SettingsError';
  /** The problems, in the order they were found. */
  readonly problems: readonly SettingProblem[];

  constructor(problems: readonly SettingProblem[]) {
    const line = (p: SettingProblem): string => `${p.flag}: ${p.problem}`;
    super(problems.length === 1 ? line(problems[0]) : `${problems.length} problems with the settings:\n${problems.map((p) => `  ${line(p)}`).join('\n')}`);
    this.problems = problems;
  }
}

/** How the CLI reports an error: a usage error, a user-fixable failure, or an internal error (bug). */
export interface ErrorReport {
  kind: 'usage' | 'failure' | 'internal';
  /** The process exit code (`EXIT_CODES`). */
  exitCode: number;
  /** The one message printed (without the tool's name). */
  message: string;
}

/** JavaScript's own error classes: thrown on purpose they carry no type, so they count as bugs. */
const BUILTIN_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'AggregateError', 'InternalError']);

/**
 * Sorts an error into the convention: `UsageError`s (and any error named `UsageError`/`SettingsError`,
 * node:util parseArgs errors, and any error with a numeric `exitCode` of 2) are usage errors; an error
 * with another numeric `exitCode` exits with it; operating-system errors (ENOENT, EACCES, ...) and
 * typed errors (any class with its own `name`) are failures the user can fix; JavaScript's built-in
 * errors are internal errors (bugs).
 */
export function classifyError(err: unknown): ErrorReport {
  if (!(err instanceof Error)) return { kind: 'internal', exitCode: EXIT_CODES.internal, message: String(err) };
  const code = (err as { code?: unknown }).code;
  if (err instanceof UsageError || err.name === 'UsageError' || err.name === 'SettingsError' || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    return { kind: 'usage', exitCode: EXIT_CODES.usage, message: err.message };
  }
  const declared = (err as { exitCode?: unknown }).exitCode;
  if (typeof declared === 'number' && Number.isInteger(declared) && declared > 0) {
    return { kind: declared === EXIT_CODES.usage ? 'usage' : 'failure', exitCode: declared, message: err.message };
  }
  const errno = errnoCode(err);
  const syscall = (err as { syscall?: unknown }).syscall;
  if (errno !== undefined && typeof syscall === 'string') {
    const file = (err as { path?: unknown }).path;
    const words = ERRNO_WORDS[errno] ?? err.message;
    return { kind: 'failure', exitCode: EXIT_CODES.failure, message: `${typeof file === 'string' ? `${file}: ` : ''}${words} (${errno}, ${syscall})` };
  }
  if (!BUILTIN_NAMES.has(err.name)) return { kind: 'failure', exitCode: EXIT_CODES.failure, message: err.message };
  return { kind: 'internal', exitCode: EXIT_CODES.internal, message: `internal error: ${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` };
}
