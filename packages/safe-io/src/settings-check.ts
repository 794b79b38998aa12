import fs from 'node:fs';
import { classifyError, SettingsError } from './cli-errors.js';
import type { SettingProblem } from './cli-errors.js';
import { checkOutputDir, checkOutputFile, prepareOutputDir, prepareOutputFile } from './output-path.js';
import type { OutputPathOptions } from './output-path.js';
import { ERRNO_WORDS, errnoCode, OutputPathError } from './output-path-error.js';

/** Bounds of a numeric setting (inclusive unless `above`/`below` are used). */
export interface NumberRange {
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. `above: 0` for a positive learning rate). */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
}

/** A numeric setting: its range, a default when absent, or `required: true`. */
export interface NumberSpec extends NumberRange {
  default?: number;
  required?: boolean;
}

function describeRange(kind: string, r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined && r.max !== undefined) return `${kind} from ${r.min} to ${r.max}`;
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

function inRange(x: number, r: NumberRange): boolean {
  return (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max) && (r.above === undefined || x > r.above) && (r.below === undefined || x < r.below);
}

/**
 * Checks a command's settings up front and reports every problem at once. Each method checks one
 * setting, records a problem (naming the flag and the allowed values) and returns the parsed value,
 * or undefined when the setting is absent (and has no default) or wrong. `done()` throws one
 * `SettingsError` listing all problems; only when there are none does it create the output folders
 * that `outputDir`/`outputFile` checked, so a refused command writes nothing.
 *
 * ```ts
 * const s = new SettingsCheck();
 * const steps = s.int('--steps', v.steps, { min: 1, required: true });
 * const out = s.outputDir('--out', v.out, { required: true });
 * s.done(); // throws, or creates --out; afterwards steps! and out! are set
 * ```
 */
export class SettingsCheck {
  /** Problems found so far. */
  readonly problems: SettingProblem[] = [];
  private readonly pending: Array<() => void> = [];

  /** Records a problem with `flag`. */
  add(flag: string, problem: string): void {
    this.problems.push({ flag, problem });
  }

  /** Records `problem` unless `ok`; returns `ok`. */
  check(flag: string, ok: boolean, problem: string): boolean {
    if (!ok) this.add(flag, problem);
    return ok;
  }

  /** A required string (empty counts as missing). */
  required(flag: string, raw: string | undefined, what = 'a value'): string | undefined {
    if (raw === undefined || raw === '') {
      this.add(flag, `is required (give ${what})`);
      return undefined;
    }
    return raw;
  }

  /** An integer within the range of `spec`; its default when absent. */
  int(flag: string, raw: string | undefined, spec: NumberSpec = {}): number | undefined {
    return this.numeric(flag, raw, spec, 'an integer', (r) => (/^\s*[+-]?\d+\s*$/.test(r) ? Number(r) : NaN), Number.isSafeInteger);
  }

  /** A finite number within the range of `spec`; its default when absent. */
  number(flag: string, raw: string | undefined, spec: NumberSpec = {}): number | undefined {
    return this.numeric(flag, raw, spec, 'a number', (r) => (r.trim() === '' ? NaN : Number(r)), Number.isFinite);
  }

  /**
   * Runs `fn`, which loads or parses what a setting names (a model, a manifest, a subset folder): a
   * typed error becomes a problem of `flag` with the error's message; a bug (a built-in error) is
   * rethrown. Returns what `fn` returned, or undefined after a problem.
   */
  async attempt<T>(flag: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (classifyError(err).kind === 'internal') throw err;
      const message = (err as Error).message;
      return this.fail(flag, message.startsWith(`${flag} `) || message.startsWith(`${flag}:`) ? message.slice(flag.length + 1).trimStart() : message);
    }
  }

  /** One of `choices`; `fallback` when absent. */
  choice<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback?: T): T | undefined {
    if (raw === undefined) return fallback;
    if (!(choices as readonly string[]).includes(raw)) {
      this.add(flag, `must be one of ${choices.join(', ')} (got "${raw}")`);
      return undefined;
    }
    return raw as T;
  }

  /** An existing, readable file (`kind: 'file'`, the default) or folder. */
  input(flag: string, p: string | undefined, opts: { kind?: 'file' | 'folder'; required?: boolean } = {}): string | undefined {
    if (p === undefined || p === '') {
      if (opts.required) this.add(flag, `is required (give a ${opts.kind ?? 'file'})`);
      return undefined;
    }
    const kind = opts.kind ?? 'file';
    try {
      const st = fs.statSync(p);
      if (kind === 'file' && st.isDirectory()) return this.fail(flag, `${p} is a folder, not a file`);
      if (kind === 'folder' && !st.isDirectory()) return this.fail(flag, `${p} is a file, not a folder`);
      fs.accessSync(p, fs.constants.R_OK);
    } catch (err) {
      const code = errnoCode(err);
      return this.fail(flag, `${p}: ${code === 'ENOENT' ? `no such ${kind}` : `cannot read (${code ? `${ERRNO_WORDS[code] ?? code}, ${code}` : String(err)})`}`);
    }
    return p;
  }

  /** A folder to write into: checked now (`checkOutputDir`), created by `done()`. */
  outputDir(flag: string, p: string | undefined, opts: Omit<OutputPathOptions, 'flag'> & { required?: boolean } = {}): string | undefined {
    return this.output(flag, p, opts, checkOutputDir, prepareOutputDir);
  }

  /** A file to write: checked now (`checkOutputFile`), its folder created by `done()`. */
  outputFile(flag: string, p: string | undefined, opts: Omit<OutputPathOptions, 'flag'> & { required?: boolean } = {}): string | undefined {
    return this.output(flag, p, opts, checkOutputFile, prepareOutputFile);
  }

  /**
   * Throws a `SettingsError` with every problem; without problems, creates the checked output folders
   * (a folder the file system refuses, e.g. under /proc, is reported the same way).
   */
  done(): void {
    if (this.problems.length === 0) {
      for (const make of this.pending.splice(0)) {
        try {
          make();
        } catch (err) {
          if (!(err instanceof OutputPathError) || !err.flag) throw err;
          this.add(err.flag, err.message.slice(err.flag.length + 1));
        }
      }
    }
    if (this.problems.length) throw new SettingsError(this.problems);
  }

  private numeric(flag: string, raw: string | undefined, spec: NumberSpec, kind: string, parse: (raw: string) => number, valid: (x: number) => boolean): number | undefined {
    if (raw === undefined) {
      if (spec.required) this.add(flag, `is required (${describeRange(kind, spec)})`);
      return spec.default;
    }
    const x = parse(raw);
    if (!valid(x) || !inRange(x, spec)) return this.fail(flag, `must be ${describeRange(kind, spec)} (got "${raw}")`);
    return x;
  }

  private fail(flag: string, problem: string): undefined {
    this.add(flag, problem);
    return undefined;
  }

  private output(
    flag: string, p: string | undefined, opts: Omit<OutputPathOptions, 'flag'> & { required?: boolean },
    check: (p: string, o: OutputPathOptions) => string, prepare: (p: string, o: OutputPathOptions) => string,
  ): string | undefined {
    if (p === undefined || p === '') {
      if (opts.required) this.add(flag, 'is required (give a path to write to)');
      return undefined;
    }
    const o = { needBytes: opts.needBytes, flag };
    try {
      check(p, o);
    } catch (err) {
      if (!(err instanceof OutputPathError)) throw err;
      return this.fail(flag, err.message.slice(flag.length + 1));
    }
    this.pending.push(() => void prepare(p, o));
    return p;
  }
}
