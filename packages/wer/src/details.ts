import { OP_CORRECT, OP_DELETION, OP_INSERTION, OP_SUBSTITUTION } from './aligner.js';
import type { UtteranceScore } from './score.js';

/** One aligned position: a reference word, a hypothesis word, or both. */
export interface AlignedPair {
  /** `C` correct, `S` substitution, `D` deletion, `I` insertion. */
  op: 'C' | 'S' | 'D' | 'I';
  /** Reference word, null for an insertion. */
  ref: string | null;
  /** Hypothesis word, null for a deletion. */
  hyp: string | null;
}

const OP_LETTERS = ['C', 'S', 'D', 'I'] as const;

/** Expands an utterance's op codes into aligned word pairs (requires `alignments: true` when scoring). */
export function alignedPairs(utt: UtteranceScore): AlignedPair[] {
  if (!utt.ops) throw new Error(`utterance ${utt.id} was scored without alignments; pass { alignments: true }`);
  const out: AlignedPair[] = [];
  let i = 0;
  let j = 0;
  for (const op of utt.ops) {
    if (op === OP_CORRECT || op === OP_SUBSTITUTION) out.push({ op: OP_LETTERS[op], ref: utt.ref[i++], hyp: utt.hyp[j++] });
    else if (op === OP_DELETION) out.push({ op: 'D', ref: utt.ref[i++], hyp: null });
    else if (op === OP_INSERTION) out.push({ op: 'I', ref: null, hyp: utt.hyp[j++] });
  }
  return out;
}

/**
 * sclite-style (`-o pralign`) block for one utterance: correct words in lower case, errors in upper
 * case, `*` padding for the missing side, and an `Eval:` line with S/D/I marks.
 */
export function formatUtteranceDetails(utt: UtteranceScore): string {
  const pairs = alignedPairs(utt);
  let ref = 'REF: ';
  let hyp = 'HYP: ';
  let ev = 'Eval:';
  ref += ' ';
  hyp += ' ';
  ev += ' ';
  const cells: string[] = [];
  for (const p of pairs) {
    const r = p.ref ?? '';
    const h = p.hyp ?? '';
    const w = Math.max(r.length, h.length, 1);
    const rs = p.op === 'C' ? r.toLowerCase() : p.ref === null ? '*'.repeat(w) : r.toUpperCase();
    const hs = p.op === 'C' ? h.toLowerCase() : p.hyp === null ? '*'.repeat(w) : h.toUpperCase();
    cells.push(rs.padEnd(w), hs.padEnd(w), (p.op === 'C' ? '' : p.op).padEnd(w));
  }
  for (let k = 0; k < cells.length; k += 3) {
    ref += cells[k] + ' ';
    hyp += cells[k + 1] + ' ';
    ev += cells[k + 2] + ' ';
  }
  const { hits, substitutions, deletions, insertions } = utt.words;
  return [
    `id: (${utt.id})${utt.missing ? '  [missing hypothesis, scored as empty]' : ''}`,
    `Scores: (#C #S #D #I) ${hits} ${substitutions} ${deletions} ${insertions}`,
    ref.trimEnd(),
    hyp.trimEnd(),
    ev.trimEnd(),
    '',
  ].join('\n');
}

/** Per-utterance alignment of a whole corpus, sclite `pralign` style. */
export function formatDetails(utts: readonly UtteranceScore[]): string {
  return utts.map(formatUtteranceDetails).join('\n');
}

/** Word error statistics over a corpus, for "most confused words" tables. */
export interface ConfusionCounts {
  /** `[ref, hyp, count]`, most frequent first (ties by ref then hyp). */
  substitutions: Array<[string, string, number]>;
  /** `[word, count]` deleted reference words, most frequent first. */
  deletions: Array<[string, number]>;
  /** `[word, count]` inserted hypothesis words, most frequent first. */
  insertions: Array<[string, number]>;
}

/** Counts substitution pairs, deleted and inserted words over utterances scored with alignments. */
export function confusionCounts(utts: readonly UtteranceScore[]): ConfusionCounts {
  const subs = new Map<string, number>();
  const dels = new Map<string, number>();
  const ins = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1); };
  for (const u of utts) {
    for (const p of alignedPairs(u)) {
      if (p.op === 'S') bump(subs, `${p.ref}\u0000${p.hyp}`);
      else if (p.op === 'D') bump(dels, p.ref as string);
      else if (p.op === 'I') bump(ins, p.hyp as string);
    }
  }
  const byCount = <T extends unknown[]>(a: T, b: T): number => {
    const d = (b[b.length - 1] as number) - (a[a.length - 1] as number);
    return d !== 0 ? d : String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : String(a[1]) < String(b[1]) ? -1 : String(a[1]) > String(b[1]) ? 1 : 0;
  };
  return {
    substitutions: [...subs].map(([k, n]): [string, string, number] => { const [r, h] = k.split('\u0000'); return [r, h, n]; }).sort(byCount),
    deletions: [...dels].sort(byCount),
    insertions: [...ins].sort(byCount),
  };
}
