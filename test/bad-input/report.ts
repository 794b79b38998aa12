// Runs every bad-input case and prints, per CLI, how many give a clear error (the RESULTS.md table).
//   npx tsx --conditions=@speechkd/source test/bad-input/report.ts              this checkout (the test criteria)
//   npx tsx --conditions=@speechkd/source test/bad-input/report.ts --root DIR --generic
// --root runs the compiled CLIs of another checkout (built with `npx tsc -b`), e.g. an older commit;
// --generic judges with criteria that do not depend on this checkout's wording: an error case exits
// non-zero with a line from the tool, a warning case exits 0 and prints a warning, no stack trace,
// nothing left behind. Disk cases need root (a tmpfs); without it they are counted as skipped.
// --cli NAME runs only that tool's cases.
import { parseArgs } from 'node:util';
import { CONVENTION_CASES } from './cases/error-convention.js';
import { LIBRISPEECH_CASES } from './cases/speechkd-librispeech.js';
import { ONNX_EXPOSE_CASES } from './cases/speechkd-onnx-expose.js';
import { SYNTH_CASES } from './cases/speechkd-synth.js';
import { TEXT_TOWER_CASES } from './cases/speechkd-text-tower.js';
import { WER_EVAL_CASES } from './cases/wer-eval.js';
import { TRAIN_CASES } from './cases/speechkd-train.js';
import { MAIN_JOB_CASES } from './cases/speechkd.js';
import { CACHE_CASES } from './cases/speechkd-cache.js';
import { WEB_CASES } from './cases/speechkd-web.js';
import { diskForCases, runCase } from './harness.js';
import type { BadInputCase, CaseOutcome } from './harness.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, generic: { type: 'boolean', default: false }, cli: { type: 'string' } } });
const every: BadInputCase[] = [...WER_EVAL_CASES, ...SYNTH_CASES, ...LIBRISPEECH_CASES, ...ONNX_EXPOSE_CASES, ...TEXT_TOWER_CASES, ...TRAIN_CASES, ...CACHE_CASES, ...MAIN_JOB_CASES, ...WEB_CASES, ...CONVENTION_CASES];
const all = values.cli ? every.filter((c) => c.cli === values.cli) : every;
if (all.length === 0) throw new Error(`--cli ${values.cli}: no such tool among the cases`);

/** The --generic judgement of an outcome (see the header). */
function genericProblems(c: BadInputCase, o: CaseOutcome): string[] {
  const out: string[] = [];
  if (c.exit === 0 ? o.status !== 0 || !/warning/i.test(o.stderr) : !o.status) out.push(c.exit === 0 ? 'no warning' : `exit code ${o.status}`);
  if (!new RegExp(`^${c.cli}: `, 'm').test(o.stderr)) out.push('no message from the tool');
  return [...out, ...o.problems.filter((p) => p === 'a stack trace' || p.startsWith('left behind') || p.startsWith('removed'))];
}

const disk = diskForCases();
const rows = new Map<string, { cases: number; clear: number; skipped: number }>();
const unclear: string[] = [];
try {
  for (const c of all) {
    const row = rows.get(c.cli) ?? { cases: 0, clear: 0, skipped: 0 };
    rows.set(c.cli, row);
    row.cases++;
    if (c.disk && typeof disk === 'string') {
      row.skipped++;
      continue;
    }
    const o = await runCase(c, { root: values.root, tmpfs: typeof disk === 'string' ? undefined : disk });
    const problems = values.generic ? genericProblems(c, o) : o.problems;
    if (problems.length === 0) row.clear++;
    else unclear.push(`${c.cli} / ${c.name}: ${problems.join('; ')}\n    ${o.stderr.trim().split('\n').slice(0, 3).join('\n    ')}`);
    process.stderr.write('.');
  }
} finally {
  if (typeof disk !== 'string') disk.unmount();
}
process.stderr.write('\n');
console.log(`| CLI | bad-input cases | clear errors |${typeof disk === 'string' ? ' skipped (no tmpfs) |' : ''}`);
console.log(`|---|---:|---:|${typeof disk === 'string' ? '---:|' : ''}`);
for (const [cli, r] of rows) console.log(`| ${cli} | ${r.cases} | ${r.clear} |${typeof disk === 'string' ? ` ${r.skipped} |` : ''}`);
if (unclear.length) console.log(`\nnot clear:\n${unclear.map((u) => `- ${u}`).join('\n')}`);
