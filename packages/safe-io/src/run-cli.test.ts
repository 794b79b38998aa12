import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifyError, EXIT_CODES, SettingsError, UsageError } from './cli-errors.js';
import { OutputPathError } from './output-path-error.js';
import { DEBUG_ENV, runMain } from './run-cli.js';

class BadFileError extends Error {
  override name = 'BadFileError';
}

async function run(main: (argv: string[]) => Promise<number | void>, argv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  const code = await runMain('tool', main, argv, { usage: 'usage: tool [--x N]', write: (t) => { out += t; }, env });
  return { code, out, env };
}

describe('CLI error convention', () => {
  it('classifies usage errors, typed and system errors (failures) and built-in errors (bugs)', () => {
    expect(classifyError(new UsageError('u')).exitCode).toBe(EXIT_CODES.usage);
    let parseErr: unknown;
    try {
      parseArgs({ args: ['--nope'], options: {} });
    } catch (e) {
      parseErr = e;
    }
    expect(classifyError(parseErr).kind).toBe('usage');
    expect(classifyError(Object.assign(new Error('x'), { name: 'UsageError' })).kind).toBe('usage');
    expect(classifyError(new BadFileError('a.wav: truncated'))).toEqual({ kind: 'failure', exitCode: 1, message: 'a.wav: truncated' });
    expect(classifyError(new OutputPathError('/o', 'read-only', 'ro')).kind).toBe('failure');
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x/ref.txt'"), { code: 'ENOENT', syscall: 'open', path: '/x/ref.txt' });
    expect(classifyError(enoent)).toEqual({ kind: 'failure', exitCode: 1, message: '/x/ref.txt: no such file or folder (ENOENT, open)' });
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      kind: 'internal', exitCode: 70, message: "internal error: TypeError: Cannot read properties of undefined (reading 'x')",
    });
    expect(classifyError('a string').kind).toBe('internal');
    // A typed error may declare its exit code (a settings error of a library: 2).
    expect(classifyError(Object.assign(new BadFileError('--shard 3/2: out of range'), { exitCode: 2 })).kind).toBe('usage');
    expect(classifyError(Object.assign(new BadFileError('locked'), { exitCode: 75 })).exitCode).toBe(75);
  });

  it('a typed error prints one line without a stack trace and exits 1', async () => {
    const r = await run(async () => { throw new BadFileError('ref.txt:3: duplicate id'); });
    expect(r).toMatchObject({ code: 1, out: 'tool: ref.txt:3: duplicate id\n' });
  });

  it('a usage error adds the usage; a SettingsError lists every problem and a hint', async () => {
    const u = await run(async () => { throw new UsageError('unknown command "x"'); });
    expect(u).toMatchObject({ code: 2, out: 'tool: unknown command "x"\n\nusage: tool [--x N]\n' });
    const s = await run(async () => { throw new SettingsError([{ flag: '--a', problem: 'bad' }, { flag: '--b', problem: 'worse' }]); });
    expect(s.code).toBe(2);
    expect(s.out).toBe('tool: 2 problems with the settings:\n  --a: bad\n  --b: worse\n(tool --help shows the usage)\n');
    // A typed settings error (exitCode 2) is a usage error too, with the hint rather than the whole usage.
    const typed = await run(async () => { throw Object.assign(new BadFileError('"lr" must be a number > 0, got -1'), { exitCode: 2 }); });
    expect(typed).toMatchObject({ code: 2, out: 'tool: "lr" must be a number > 0, got -1\n(tool --help shows the usage)\n' });
  });

  it('a bug says so and how to get the stack; --debug (removed from argv) and SPEECHKD_DEBUG show the stack', async () => {
    const bug = async (): Promise<number> => { throw new TypeError('oops'); };
    const plain = await run(bug);
    expect(plain.code).toBe(70);
    expect(plain.out).toBe('tool: internal error: TypeError: oops\ntool: this looks like a bug; rerun with --debug (or SPEECHKD_DEBUG=1) for the stack trace and report it\n');
    let seen: string[] = [];
    const debug = await run(async (argv) => { seen = argv; throw new TypeError('oops'); }, ['--x', '1', '--debug']);
    expect(seen).toEqual(['--x', '1']);
    expect(debug.env[DEBUG_ENV]).toBe('1');
    expect(debug.out).toMatch(/^tool: internal error: TypeError: oops\nTypeError: oops\n\s+at /);
    const typed = await run(async () => { throw new BadFileError('bad'); }, [], { [DEBUG_ENV]: '1' });
    expect(typed.out).toMatch(/^tool: bad\nBadFileError: bad\n\s+at /);
    expect((await run(bug, [], { [DEBUG_ENV]: '0' })).out).not.toMatch(/\bat /);
  });

  it('returns main\'s code, 0 when it returns nothing', async () => {
    expect((await run(async () => 3)).code).toBe(3);
    expect((await run(async () => undefined)).code).toBe(0);
  });
});
