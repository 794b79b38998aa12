import type { BadInputCase } from '../harness.js';

/**
 * The error convention of the three CLIs whose settings checks come later (speechkd-train,
 * speechkd-cache, speechkd): one line naming the problem, no stack trace, a non-zero exit code.
 */
export const CONVENTION_CASES: BadInputCase[] = [
  { cli: 'speechkd-train', name: 'unknown command', exit: 2, args: () => ['fit'], stderr: /^speechkd-train: unknown command "fit"\n\nusage:/ },
  {
    cli: 'speechkd-cache', name: 'a cache folder that is not one', exit: 1, args: (c) => ['verify', '--dir', c.dir],
    stderr: /^speechkd-cache: .*: no cache\.json; not a teacher cache/m,
  },
  {
    cli: 'speechkd', name: 'lm-sweep of a run that does not exist', exit: 1, args: (c) => ['lm-sweep', `--run=${c.at('runs/none')}`],
    stderr: /^speechkd: --run: cannot read run summary .*summary\.json \(ENOENT\); give a finished run directory/m,
  },
];
