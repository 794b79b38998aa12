import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskForCases, runCase } from './harness.js';
import type { BadInputCase, CaseOutcome } from './harness.js';

/** Cases run at once outside the tmpfs (each spawns one CLI; the disk cases share one tmpfs and run one by one). */
const CONCURRENCY = 3;

/**
 * Registers one test per case: the command must answer with a clear error and leave nothing behind.
 * The cases run in `beforeAll` (the ordinary ones a few at a time), the tests check their outcomes.
 */
export function badInputSuite(title: string, cases: readonly BadInputCase[]): void {
  const disk = cases.some((c) => c.disk) ? diskForCases() : undefined;
  const tmpfs = disk && typeof disk !== 'string' ? disk : undefined;
  if (typeof disk === 'string') console.warn(`${title}: skipping the read-only and full-disk cases: ${disk}`);
  const outcomes = new Map<BadInputCase, CaseOutcome>();
  describe(title, () => {
    beforeAll(async () => {
      const plain = cases.filter((c) => !c.disk);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < plain.length) {
          const c = plain[next++];
          outcomes.set(c, await runCase(c));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      if (tmpfs) for (const c of cases.filter((x) => x.disk)) outcomes.set(c, await runCase(c, { tmpfs }));
    }, 600_000);
    afterAll(() => tmpfs?.unmount());
    for (const c of cases) {
      it.skipIf(Boolean(c.disk) && !tmpfs)(`${c.name} -> exit ${c.exit}`, () => {
        const outcome = outcomes.get(c)!;
        expect(outcome.problems, `stderr:\n${outcome.stderr}`).toEqual([]);
      });
    }
  });
}
