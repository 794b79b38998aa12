#!/usr/bin/env node
// Distilled vs CTC-only student across runs that differ only in the students' seed: per-run WER on the
// synthetic test and dev sets (greedy and with the LM), the relative change, and the mean over the runs.
// Usage: node apps/speechkd/scripts/compare-seeds.mjs runs/full-lm8 runs/full-seed2 ...
import fs from 'node:fs';
import path from 'node:path';

const runs = process.argv.slice(2);
if (runs.length === 0) {
  process.stderr.write('usage: compare-seeds.mjs RUN_DIR ... (finished runs with a student-ctc and a student-kd)\n');
  process.exit(2);
}
// The students' seed: the last seed= of `trainer` then `studentTrainer` (the later one wins), else the job's.
function studentSeed(config) {
  const pairs = [config.trainer, config.studentTrainer].filter(Boolean).join(',');
  return [...pairs.matchAll(/(?:^|,)\s*seed=(\d+)/g)].at(-1)?.[1] ?? String(config.seed);
}
const sets = ['synthetic test', 'synthetic test (LM)', 'synthetic dev', 'synthetic dev (LM)'];
const rows = runs.map((run) => {
  const file = path.join(run, 'summary.json');
  let summary;
  try {
    summary = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write(`compare-seeds: cannot read ${file} (${err.code ?? err.message})\n`);
    process.exit(1);
  }
  const wer = (key, set) => {
    const r = summary.systems.find((s) => s.key === key)?.results.find((x) => x.set === set);
    if (!r || r.wer === null) {
      process.stderr.write(`compare-seeds: ${file} has no ${key} WER on ${set}\n`);
      process.exit(1);
    }
    return 100 * r.wer;
  };
  return { run, seed: studentSeed(summary.config), ctc: sets.map((s) => wer('student-ctc', s)), kd: sets.map((s) => wer('student-kd', s)) };
});
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rel = (kd, ctc) => `${(100 * (kd - ctc) / ctc).toFixed(1)}%`;
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(['run', 'student seed', ...sets.map((s) => `${s}: CTC-only / distilled WER %, change`)]));
console.log(line(['---', '---:', ...sets.map(() => '---:')]));
for (const r of rows) console.log(line([r.run, r.seed, ...sets.map((_, i) => `${r.ctc[i].toFixed(2)} / ${r.kd[i].toFixed(2)}, ${rel(r.kd[i], r.ctc[i])}`)]));
const m = sets.map((_, i) => [mean(rows.map((r) => r.ctc[i])), mean(rows.map((r) => r.kd[i]))]);
console.log(line([`mean of ${rows.length}`, '', ...m.map(([c, k]) => `${c.toFixed(2)} / ${k.toFixed(2)}, ${rel(k, c)}`)]));
