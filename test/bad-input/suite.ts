import { afterAll, describe, expect, it } from 'vitest';
import { diskForCases, runCase } from './harness.js';
import type { BadInputCase } from './harness.js';

/** Registers one test per case: the command must answer with a clear error and leave nothing behind. */
export function badInputSuite(title: string, cases: readonly BadInputCase[]): void {
  const disk = cases.some((c) => c.disk) ? diskForCases() : undefined;
  if (typeof disk === 'string') console.warn(`${title}: skipping the read-only and full-disk cases: ${disk}`);
  describe(title, () => {
    afterAll(() => {
      if (disk && typeof disk !== 'string') disk.unmount();
    });
    for (const c of cases) {
      it.skipIf(Boolean(c.disk) && typeof disk === 'string')(`${c.name} -> exit ${c.exit}`, () => {
        const outcome = runCase(c, { tmpfs: disk && typeof disk !== 'string' ? disk : undefined });
        expect(outcome.problems, `stderr:\n${outcome.stderr}`).toEqual([]);
      });
    }
  });
}
