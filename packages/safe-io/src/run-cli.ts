import { classifyError, EXIT_CODES } from './cli-errors.js';

/** The environment variable that turns on stack traces (any value but empty or `0`); `--debug` sets it. */
export const DEBUG_ENV = 'SPEECHKD_DEBUG';

/** Options of `runMain` and `runCli`. */
export interface RunCliOptions {
  /** Usage text printed after a usage error (a `SettingsError` gets a one-line hint instead). */
  usage?: string;
  /** Where messages go (default: process.stderr). */
  write?: (text: string) => void;
  /** The environment to read `SPEECHKD_DEBUG` from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** True when stack traces are on: `SPEECHKD_DEBUG` set to anything but empty or `0`. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[DEBUG_ENV];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Runs a CLI's `main(argv)` under the one error convention and returns the exit code: `--debug`
 * (anywhere in argv, removed before `main` sees it) sets `SPEECHKD_DEBUG=1` for this process and its
 * children. An error prints one line `<name>: <message>` (usage errors add the usage), never a stack
 * trace unless debugging is on; internal errors (bugs) add how to get the stack. Exit codes: `EXIT_CODES`.
 */
export async function runMain(name: string, main: (argv: string[]) => Promise<number | void>, argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const write = options.write ?? ((t: string) => void process.stderr.write(t));
  const env = options.env ?? process.env;
  const args = argv.filter((a) => a !== '--debug');
  if (args.length !== argv.length) env[DEBUG_ENV] = '1';
  try {
    return (await main(args)) ?? EXIT_CODES.ok;
  } catch (err) {
    const report = classifyError(err);
    let text = `${name}: ${report.message}\n`;
    if (report.kind === 'usage') {
      // The usage text answers a wrong command line; wrong settings (SettingsError, typed errors with exitCode 2) get a hint.
      const code = (err as { code?: unknown }).code;
      const commandLine = (err as Error).name === 'UsageError' || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
      if (!commandLine || !options.usage) text += `(${name} --help shows the usage)\n`;
      else text += `\n${options.usage}\n`;
    }
    if (debugEnabled(env)) text += `${(err as Error)?.stack ?? String(err)}\n`;
    else if (report.kind === 'internal') text += `${name}: this looks like a bug; rerun with --debug (or ${DEBUG_ENV}=1) for the stack trace and report it\n`;
    write(text);
    return report.exitCode;
  }
}

/**
 * The entry point of a CLI: `runMain` on `process.argv`, then the exit code. After an error, or with
 * `forceExit` (tools whose native libraries keep the process alive), the process exits at once.
 */
export function runCli(name: string, main: (argv: string[]) => Promise<number | void>, options: RunCliOptions & { forceExit?: boolean } = {}): void {
  let failed = false;
  const guarded = async (argv: string[]): Promise<number | void> => {
    try {
      return await main(argv);
    } catch (err) {
      failed = true;
      throw err;
    }
  };
  void runMain(name, guarded, process.argv.slice(2), options).then((code) => {
    process.exitCode = code;
    if (failed || options.forceExit) process.exit(code);
  });
}
