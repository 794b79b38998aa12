import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@speechkd/safe-io';
import type { PipelineConfig } from './pipeline-config.js';
import type { SystemResult } from './evaluate-systems.js';
import { withLm } from './evaluate-systems.js';

/** Extra facts for the report. */
export interface ReportContext {
  /** Layer pairs of the distilled student, e.g. `s2->t4`. */
  kdPairs: string[];
  corpus: { utterances: Record<string, number>; seconds: Record<string, number>; failures: number };
  /** The speech teacher's extra training speakers (`teacherExtraSpeakers`), or null. */
  teacherData?: { speakers: number; utterances: number; seconds: number; heldOut: number } | null;
  /** The distilled students' teacher-labelled transfer set (`studentTransfer`), or null. */
  transferData?: { utterances: number; dropped: number; seconds: number; labelWer: number | null; labelCer: number | null; decoder?: 'greedy' | 'lm'; lmOrder?: number } | null;
  /** The command line that produced the run. */
  command: string;
  /** Dev-set evaluations during training (trainer `evalEvery`), per student; empty when there were none. */
  devCurves?: DevCurve[];
  /** Where the teachers came from (trained by the run, or released), one sentence. */
  teacherNote?: string;
  /** Seconds of every finished stage (reused ones with their recorded time) and of this invocation. */
  stageSeconds?: Record<string, number>;
  wallSeconds?: number;
  /** The sets the students are compared on (default the synthetic test and dev sets). */
  sets?: ComparedSets;
}

/** The test and dev sets of the students' comparison; `real` for a LibriSpeech run. */
export interface ComparedSets {
  test: string;
  dev: string;
  real: boolean;
}

/** The synthetic corpus's test and dev sets. */
export const SYNTHETIC_SETS: ComparedSets = Object.freeze({ test: 'synthetic test', dev: 'synthetic dev', real: false });

/** The run's answer: the distilled student against the CTC-only one on the test set (synthetic, or a LibriSpeech run's first test subset). */
export interface Comparison {
  set: string;
  /** The decoding compared: the one (greedy or with the LM) with the lower summed dev WER of the two students. */
  decoding: 'lm' | 'greedy';
  ctcOnlyWer: number;
  distilledWer: number;
  /** (distilled - CTC-only) / CTC-only: negative = distillation lowered WER. */
  relativeChange: number;
  /** Both decodings, for the figures beside. */
  byDecoding: Partial<Record<'lm' | 'greedy', { ctcOnlyWer: number; distilledWer: number; relativeChange: number; devCtcOnlyWer: number | null; devDistilledWer: number | null }>>;
  /** Distilled student's parameters / the speech teacher's. */
  paramsRatio: number | null;
  wallSeconds: number | null;
  stageSeconds: Record<string, number>;
}

/** A model's dev WER/CER at the evaluation steps of its training run. */
export interface DevCurve {
  key: string;
  label: string;
  points: Array<{ step: number; wer: number; cer: number; utterances: number }>;
}

type MetricsRow = { type?: string; step: number; wer: number; cer: number; utterances: number };

const parseRow = (line: string): MetricsRow | null => {
  try {
    return JSON.parse(line) as MetricsRow;
  } catch {
    return null; // a line cut short by a killed run
  }
};

/**
 * Reads the dev evaluations a training run logged to `metrics.jsonl` (none when the file is missing;
 * a line cut short by a killed run is skipped).
 */
export function readDevCurve(runDir: string, key: string, label: string): DevCurve {
  const file = path.join(runDir, 'metrics.jsonl');
  const rows = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()) : [];
  const points = rows
    .map(parseRow)
    .filter((r): r is MetricsRow => r?.type === 'eval')
    .map(({ step, wer, cer, utterances }) => ({ step, wer, cer, utterances }));
  return { key, label, points };
}

/**
 * Learning curves side by side: one row per evaluation step, `WER / CER` per model, and the distilled
 * student's relative WER change against the CTC-only one at that step (when both are present).
 * Null when no model logged a dev evaluation.
 */
export function devCurveTable(curves: readonly DevCurve[]): string[][] | null {
  const steps = [...new Set(curves.flatMap((c) => c.points.map((p) => p.step)))].sort((a, b) => a - b);
  if (steps.length === 0) return null;
  const at = (key: string, step: number) => curves.find((c) => c.key === key)?.points.find((p) => p.step === step);
  const withRel = curves.some((c) => c.key === 'student-ctc') && curves.some((c) => c.key === 'student-kd');
  const header = ['step', ...curves.map((c) => `${c.label} WER / CER %`), ...(withRel ? ['distilled vs CTC-only WER'] : [])];
  const rows = steps.map((step) => {
    const cells = curves.map((c) => {
      const p = at(c.key, step);
      return p ? `${pct(p.wer)} / ${pct(p.cer)}` : '';
    });
    const ctc = at('student-ctc', step);
    const kd = at('student-kd', step);
    const rel = ctc && kd && ctc.wer > 0 ? fmtRel((kd.wer - ctc.wer) / ctc.wer) : '';
    return [String(step), ...cells, ...(withRel ? [rel] : [])];
  });
  return [header, ...rows];
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}`);
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)}`;

/** The results table as rows of cells (header first); shared by the terminal, Markdown and HTML outputs. */
export function resultTable(systems: readonly SystemResult[]): string[][] {
  const sets = systems[0]?.results.map((r) => r.set) ?? [];
  const header = ['system', 'params (M)', 'size (MB)', 'steps', ...sets.flatMap((s) => [`${s} WER %`, `${s} CER %`]), 'RTF', 'ms/utt'];
  const rows = systems.map((s) => {
    const synth = s.results[0];
    return [
      s.label, (s.params / 1e6).toFixed(2), mb(s.sizeBytes), String(s.steps),
      ...s.results.flatMap((r) => [pct(r.wer), pct(r.cer)]),
      synth?.rtf === null || synth?.rtf === undefined ? 'n/a' : synth.rtf.toFixed(4),
      synth?.latencyMs === null || synth?.latencyMs === undefined ? 'n/a' : synth.latencyMs.toFixed(1),
    ];
  });
  return [header, ...rows];
}

/** Fixed-width text rendering of a table for the terminal. */
export function formatTextTable(table: readonly string[][]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function htmlTable(table: readonly string[][]): string {
  return `<table><thead><tr>${table[0].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${table.slice(1).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

function markdownTable(table: readonly string[][]): string {
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(table[0]), line(table[0].map((_, i) => (i === 0 ? '---' : '---:'))), ...table.slice(1).map(line)].join('\n');
}

const fmtRel = (r: number | null): string => (r === null ? 'n/a' : `${r > 0 ? '+' : ''}${(100 * r).toFixed(1)}%`);
/** A fraction as a percentage with one decimal ('n/a' for null). */
export const fmtPct = (r: number | null): string => (r === null ? 'n/a' : `${(100 * r).toFixed(1)}%`);

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Relative WER change of the distilled student against the CTC-only one on a set (default the synthetic test set; negative = better). */
export function relativeWerChange(systems: readonly SystemResult[], set = 'synthetic test', key = 'student-kd'): number | null {
  const werOn = (k: string) => systems.find((s) => s.key === k)?.results.find((r) => r.set === set)?.wer;
  const ctc = werOn('student-ctc');
  const kd = werOn(key);
  if (ctc === undefined || kd === undefined || ctc === null || kd === null || ctc === 0) return null;
  return (kd - ctc) / ctc;
}

/**
 * The comparison the run exists for, with the decoding chosen on dev (lower summed dev WER of the CTC-only and
 * the distilled student), or null when a system or set is missing.
 */
export function compareStudents(
  systems: readonly SystemResult[], timing: { wallSeconds?: number; stageSeconds?: Record<string, number> } = {}, sets: ComparedSets = SYNTHETIC_SETS,
): Comparison | null {
  const werOn = (key: string, set: string) => systems.find((x) => x.key === key)?.results.find((r) => r.set === set)?.wer ?? null;
  const byDecoding: Comparison['byDecoding'] = {};
  for (const decoding of ['greedy', 'lm'] as const) {
    const name = (set: string) => (decoding === 'lm' ? withLm(set) : set);
    const ctc = werOn('student-ctc', name(sets.test));
    const kd = werOn('student-kd', name(sets.test));
    if (ctc === null || kd === null || ctc === 0) continue;
    byDecoding[decoding] = {
      ctcOnlyWer: ctc, distilledWer: kd, relativeChange: (kd - ctc) / ctc,
      devCtcOnlyWer: werOn('student-ctc', name(sets.dev)), devDistilledWer: werOn('student-kd', name(sets.dev)),
    };
  }
  const devSum = (d: 'lm' | 'greedy') => {
    const b = byDecoding[d];
    return b && b.devCtcOnlyWer !== null && b.devDistilledWer !== null ? b.devCtcOnlyWer + b.devDistilledWer : Infinity;
  };
  const decoding = byDecoding.lm && devSum('lm') <= devSum('greedy') ? 'lm' : 'greedy';
  const chosen = byDecoding[decoding];
  if (!chosen) return null;
  const teacher = systems.find((x) => x.key === 'teacher');
  const student = systems.find((x) => x.key === 'student-kd');
  return {
    set: sets.test, decoding, ctcOnlyWer: chosen.ctcOnlyWer, distilledWer: chosen.distilledWer, relativeChange: chosen.relativeChange, byDecoding,
    paramsRatio: teacher && student ? student.params / teacher.params : null,
    wallSeconds: timing.wallSeconds ?? null, stageSeconds: timing.stageSeconds ?? {},
  };
}

/** The one-sentence answer: "distillation lowered test WER from X to Y (-Z %) with N % of the teacher's parameters". */
export function leadSentence(c: Comparison): string {
  const verb = c.relativeChange < 0 ? 'lowered' : c.relativeChange > 0 ? 'raised' : 'left';
  const dec = c.decoding === 'lm' ? 'with the character LM' : 'greedy';
  const other = c.byDecoding[c.decoding === 'lm' ? 'greedy' : 'lm'];
  return `Distillation ${verb} ${c.set} WER from ${pct(c.ctcOnlyWer)}% to ${pct(c.distilledWer)}% (${fmtRel(c.relativeChange)}) `
    + `with ${c.paramsRatio === null ? 'n/a' : `${(100 * c.paramsRatio).toFixed(1)}%`} of the speech teacher's parameters `
    + `(decoding ${dec}, chosen on dev${other ? `; ${c.decoding === 'lm' ? 'greedy' : 'with the LM'}: ${pct(other.ctcOnlyWer)}% -> ${pct(other.distilledWer)}%, ${fmtRel(other.relativeChange)}` : ''}).`;
}

/** Stage times as one line: `synth 151 s, teacher-cache 38 s, ...; whole run 812 s`. */
export function stageTimesLine(stageSeconds: Record<string, number>, wallSeconds?: number): string {
  const parts = Object.entries(stageSeconds).map(([k, v]) => `${k} ${v.toFixed(0)} s`);
  return `${parts.join(', ')}${wallSeconds === undefined ? '' : `; this run ${wallSeconds.toFixed(0)} s`}`;
}

/** Writes `report.md`, `report.html` and `summary.json` into the run directory. */
export function writeReports(runDir: string, cfg: PipelineConfig, systems: readonly SystemResult[], ctx: ReportContext): { markdown: string; html: string; summary: string } {
  const table = resultTable(systems);
  const teacher = systems.find((s) => s.key === 'teacher');
  const student = systems.find((s) => s.key === 'student-kd');
  const ratio = teacher && student ? student.params / teacher.params : null;
  const sets = ctx.sets ?? SYNTHETIC_SETS;
  const rel = relativeWerChange(systems, sets.test);
  const command = ctx.command;
  const hasLm = systems[0]?.results.some((r) => r.set === withLm(sets.test)) ?? false;
  const relSets = [sets.test, sets.dev, ...(hasLm ? [withLm(sets.test), withLm(sets.dev)] : [])];
  const comparison = compareStudents(systems, { wallSeconds: ctx.wallSeconds, stageSeconds: ctx.stageSeconds }, sets);
  const lead = comparison ? leadSentence(comparison) : null;
  const notes = [
    ...(ctx.teacherNote ? [ctx.teacherNote] : []),
    sets.real
      ? `Corpus: LibriSpeech ${Object.entries(ctx.corpus.utterances).map(([k, v]) => `${k} ${v} utts / ${(ctx.corpus.seconds[k] / 3600).toFixed(2)} h`).join(', ')}; ${ctx.corpus.failures} unreadable utterances skipped.`
      : `Corpus: synthetic ${cfg.corpus} (seed ${cfg.seed}): ${Object.entries(ctx.corpus.utterances).map(([k, v]) => `${k} ${v} utts / ${(ctx.corpus.seconds[k] / 60).toFixed(1)} min`).join(', ')}; ${ctx.corpus.failures} synthesis failures.`,
    ...(ctx.teacherData
      ? [`The speech teacher's second phase also trained on ${ctx.teacherData.speakers} extra synthetic speakers (${ctx.teacherData.utterances} utts / ${(ctx.teacherData.seconds / 60).toFixed(1)} min; ${ctx.teacherData.heldOut} utterances reading dev/test sentences left out); ${ctx.transferData ? 'the CTC-only student never hears them' : 'the students never hear them'}.`]
      : []),
    ...(ctx.teacherData && ctx.transferData
      ? [`The distilled students also trained on those speakers as a transfer set: ${ctx.transferData.utterances} utts / ${(ctx.transferData.seconds / 60).toFixed(1)} min with the teacher's ${ctx.transferData.decoder === 'lm' ? `transcripts decoded with a character ${ctx.transferData.lmOrder ?? cfg.lmOrder}-gram LM (as below, but trained without the transfer set's and the training set's sentences)` : 'greedy transcripts'} as CTC targets (label WER ${fmtPct(ctx.transferData.labelWer)} / CER ${fmtPct(ctx.transferData.labelCer)} against the true transcripts, which they never see; ${ctx.transferData.dropped} transcribed as nothing, dropped) and its outputs as soft and layer targets; the CTC-only student has the corpus's labels alone.`]
      : []),
    `Student/teacher parameters: ${ratio === null ? 'n/a' : `${(100 * ratio).toFixed(1)}%`}. Student WER against the CTC-only student (relative): ${
      systems.filter((x) => x.key.startsWith('student-kd')).map((x) => `${x.label}: ${relSets.map((set) => `${set} ${fmtRel(relativeWerChange(systems, set, x.key))}`).join(', ')}`).join('; ') || 'n/a'
    }.`,
    ...(hasLm
      ? [`Sets marked (LM): prefix beam search (beam ${cfg.beamSize}) with a character ${cfg.lmOrder}-gram LM (interpolated Kneser-Ney, discount 0.75) trained on the Brown sentences except the synthetic dev/test transcripts, weight ${cfg.lmWeight}, bonus ${cfg.lmBonus} per character; the other sets are greedy.`]
      : []),
    `Distillation layer pairs: ${ctx.kdPairs.join(', ') || 'none'}. Settings: ${cfg.distill || 'defaults of @speechkd/distill'}.`,
    ...(sets.real ? [] : ['The models are trained only on synthetic speech (espeak-ng voices); they do not transfer to real LibriSpeech audio, whose rows are reported as measured.']),
  ];
  const curves = ctx.devCurves ?? [];
  const curveTable = devCurveTable(curves);
  const curveUtts = curves.flatMap((c) => c.points.map((p) => p.utterances))[0];
  const curveTitle = `Dev learning curves (first ${curveUtts} ${sets.real ? sets.dev : 'synthetic dev'} utterances, EMA weights, evaluated during training)`;
  const md = [
    `# speechkd run \`${cfg.name}\``, '', ...(lead ? [`**${lead}**`, ''] : []), `Command: \`${command}\``, '', markdownTable(table), '', ...notes.map((n) => `- ${n}`), '',
    ...(ctx.stageSeconds ? [`Stage times: ${stageTimesLine(ctx.stageSeconds, ctx.wallSeconds)}.`, ''] : []),
    `RTF and ms/utt: recognizer time on the ${sets.test} set (features + model + greedy decoding, ${cfg.engine === 'onnx' ? 'onnxruntime, 1 thread' : 'tfjs'}), this machine.`, '',
    ...(curveTable ? [`## ${curveTitle}`, '', markdownTable(curveTable), ''] : []),
  ].join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>speechkd ${esc(cfg.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}</style></head><body>
<h1>speechkd run <code>${esc(cfg.name)}</code></h1>${lead ? `<p><strong>${esc(lead)}</strong></p>` : ''}<p>Command: <code>${esc(command)}</code></p>
${htmlTable(table)}<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
${ctx.stageSeconds ? `<p>Stage times: ${esc(stageTimesLine(ctx.stageSeconds, ctx.wallSeconds))}.</p>` : ''}
${curveTable ? `<h2>${esc(curveTitle)}</h2>${htmlTable(curveTable)}` : ''}
<h2>Per-set reports</h2><ul>${systems.flatMap((s) => s.results.map((r) => `<li><a href="${esc(path.relative(runDir, r.report))}">${esc(s.label)} — ${esc(r.set)}</a></li>`)).join('')}</ul>
</body></html>
`;
  const summary = { name: cfg.name, comparison, config: cfg, systems, studentTeacherParamRatio: ratio, relativeWerChangeDistilledVsCtc: rel, kdPairs: ctx.kdPairs, corpus: ctx.corpus, teacherData: ctx.teacherData ?? null, transferData: ctx.transferData ?? null, devCurves: curves };
  const files = { markdown: path.join(runDir, 'report.md'), html: path.join(runDir, 'report.html'), summary: path.join(runDir, 'summary.json') };
  writeFileAtomic(files.markdown, md);
  writeFileAtomic(files.html, html);
  writeFileAtomic(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  return files;
}
