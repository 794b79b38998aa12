import type { BadInputCase } from '../harness.js';

/**
 * The error convention of speechkd-train, speechkd-cache and speechkd outside their settings (those are in
 * speechkd-train.ts and speechkd.ts): one line naming the problem, no stack trace, the exit code.
 */
export const CONVENTION_CASES: BadInputCase[] = [
  { cli: 'speechkd-train', name: 'unknown command', exit: 2, args: () => ['fit'], stderr: /^speechkd-train: unknown command "fit"\n\nusage:/ },
  {
    cli: 'speechkd-cache', name: 'a cache folder that is not one', exit: 1, args: (c) => ['verify', '--dir', c.dir],
    stderr: /^speechkd-cache: .*: no cache\.json; not a teacher cache/m,
  },
  {
    cli: 'speechkd', name: 'lm-sweep of a run that does not exist', exit: 2, args: (c) => ['lm-sweep', `--run=${c.at('runs/none')}`],
    stderr: /^speechkd: --run: cannot read run summary .*summary\.json \(ENOENT\); give a finished run directory/m,
  },
];
