import { alignedPairs, confusionCounts } from '@speechkd/wer';
import type { CorpusSummary, UtteranceScore } from '@speechkd/wer';

const pct = (x: number | null): string => (x === null ? 'n/a' : (100 * x).toFixed(2));
const pyList = (words: readonly string[]): string => `[${words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;

/** icefall-style `recogs` file: a `ref=[...]` and a `hyp=[...]` line per utterance. */
export function formatRecogs(utts: readonly UtteranceScore[]): string {
  return utts.map((u) => `${u.id}:\tref=${pyList(u.ref)}\n${u.id}:\thyp=${pyList(u.hyp)}\n`).join('');
}

/** icefall-style `wer-summary` file: `settings<TAB>WER` then one row. */
export function formatWerSummary(name: string, s: CorpusSummary): string {
  return `settings\tWER\n${name}\t${pct(s.wer)}\n`;
}

/**
 * icefall-style `errs` file: totals, per-utterance alignment (`(ref->hyp)` marks errors, `*` is an
 * empty side), then substitution / deletion / insertion counts and per-word statistics.
 */
export function formatErrs(s: CorpusSummary, utts: readonly UtteranceScore[]): string {
  const out: string[] = [
    `%WER = ${pct(s.wer)}`,
    `Errors: ${s.insertions} insertions, ${s.deletions} deletions, ${s.substitutions} substitutions, over ${s.referenceWords} reference words (${s.hits} correct)`,
    `%CER = ${pct(s.cer)}`,
    'Search below for sections starting with PER-UTT DETAILS:, SUBSTITUTIONS:, DELETIONS:, INSERTIONS:, PER-WORD STATS:',
    '',
    'PER-UTT DETAILS: corr or (ref->hyp)',
  ];
  const perWord = new Map<string, { corr: number; errs: number; inRef: number; inHyp: number }>();
  const stat = (w: string) => { let v = perWord.get(w); if (!v) { v = { corr: 0, errs: 0, inRef: 0, inHyp: 0 }; perWord.set(w, v); } return v; };
  for (const u of utts) {
    const parts = alignedPairs(u).map((p) => {
      if (p.ref !== null) stat(p.ref).inRef++;
      if (p.hyp !== null) stat(p.hyp).inHyp++;
      if (p.op === 'C') { stat(p.ref as string).corr++; return p.ref as string; }
      if (p.ref !== null) stat(p.ref).errs++;
      if (p.hyp !== null) stat(p.hyp).errs++;
      return `(${p.ref ?? '*'}->${p.hyp ?? '*'})`;
    });
    out.push(`${u.id}:\t${parts.join(' ')}`);
  }
  const c = confusionCounts(utts);
  out.push('', 'SUBSTITUTIONS: count ref -> hyp', ...c.substitutions.map(([r, h, n]) => `${n}   ${r} -> ${h}`));
  out.push('', 'DELETIONS: count ref', ...c.deletions.map(([w, n]) => `${n}   ${w}`));
  out.push('', 'INSERTIONS: count hyp', ...c.insertions.map(([w, n]) => `${n}   ${w}`));
  out.push('', 'PER-WORD STATS: word  corr tot_errs count_in_ref count_in_hyp');
  const words = [...perWord].sort((a, b) => b[1].errs - a[1].errs || (a[0] < b[0] ? -1 : 1));
  for (const [w, v] of words) out.push(`${w}   ${v.corr} ${v.errs} ${v.inRef} ${v.inHyp}`);
  return out.join('\n') + '\n';
}
