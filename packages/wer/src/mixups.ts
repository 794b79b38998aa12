import { WerError } from './errors.js';
import type { NormalizeMode } from './normalize.js';
import type { TranscriptFormat } from './transcripts.js';

/** Input mix-ups that would score a plausible but wrong WER. */
export type ScoringProblemKind = 'trn-read-as-kaldi' | 'case-mismatch';

/** One mix-up found by `checkScoringInputs`; `message` names the file and says the fix. */
export interface ScoringProblem {
  kind: ScoringProblemKind;
  message: string;
}

/** One side of the scoring: its transcripts, the format they were read with, and a name for messages. */
export interface ScoringSide {
  transcripts: ReadonlyMap<string, string>;
  /** Format the file was parsed with (omit for transcripts that came from no file, e.g. a corpus reader). */
  format?: TranscriptFormat;
  /** File name or label, e.g. `hyp.txt`. */
  source: string;
}

/** Scoring inputs that look mixed up; thrown by wer-eval in strict mode. Lists every problem with its fix. */
export class ScoringMixupError extends WerError {
  override name = 'ScoringMixupError';
  /** The problems found. */
  readonly problems: readonly ScoringProblem[];

  constructor(problems: readonly ScoringProblem[]) {
    super(`${problems.map((p) => p.message).join('\n')}\n(an error with --mode strict; --mode present or all score anyway with a warning)`);
    this.problems = problems;
  }
}

/** A trn utterance id `(ID)` as the last token of a line. */
const TRN_TAIL = /(^|\s)\([^()\s]*\)$/;

/**
 * A trn file (`word word ... (ID)`) parsed as kaldi (`ID word ...`): the first word became the id and
 * `(ID)` a word, so the WER would be made up. Flags it when at least half the entries end with `(ID)`.
 */
export function trnReadAsKaldi(side: ScoringSide): ScoringProblem | undefined {
  if (side.format !== 'kaldi' || side.transcripts.size === 0) return undefined;
  let hits = 0;
  for (const [id, words] of side.transcripts) if (TRN_TAIL.test(words) || (words === '' && /^\([^()\s]*\)$/.test(id))) hits++;
  if (hits * 2 < side.transcripts.size) return undefined;
  return {
    kind: 'trn-read-as-kaldi',
    message: `${side.source}: ${hits} of ${side.transcripts.size} lines end with "(ID)", the trn layout "word word ... (ID)", but were read as kaldi "ID word ...": pass --format trn`,
  };
}

/** Counts of the letters that have a case. */
function caseOf(texts: Iterable<string>): { upper: number; lower: number } {
  let upper = 0;
  let lower = 0;
  for (const t of texts) {
    for (const ch of t) {
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      if (lo === up) continue;
      if (ch === up) upper++;
      else lower++;
    }
  }
  return { upper, lower };
}

const caseName = (c: { upper: number; lower: number }): string => (c.lower === 0 ? 'upper case' : c.upper === 0 ? 'lower case' : `mixed case (${Math.round((100 * c.upper) / (c.upper + c.lower))}% capitals)`);

/**
 * References and hypotheses in different letter case (lowercase hypotheses against LibriSpeech's
 * uppercase references score 100% WER): flags it when more hypothesis words match a word of their
 * reference only when case is ignored than match exactly. Never with `normalize: 'librispeech'`,
 * which upper-cases both sides.
 */
export function caseMismatch(refs: ReadonlyMap<string, string>, hyps: ReadonlyMap<string, string>, normalize: NormalizeMode = 'none'): ScoringProblem | undefined {
  if (normalize === 'librispeech') return undefined;
  let exact = 0;
  let caseOnly = 0;
  let example: [string, string] | undefined;
  for (const [id, ref] of refs) {
    const hyp = hyps.get(id);
    if (!hyp) continue;
    const words = new Set(ref.split(/\s+/));
    const folded = new Map([...words].map((w) => [w.toLowerCase(), w]));
    for (const w of hyp.split(/\s+/)) {
      if (w === '') continue;
      if (words.has(w)) exact++;
      else if (folded.has(w.toLowerCase())) {
        caseOnly++;
        example ??= [w, folded.get(w.toLowerCase()) as string];
      }
    }
  }
  if (caseOnly === 0 || caseOnly <= exact || !example) return undefined;
  return {
    kind: 'case-mismatch',
    message: `hypotheses and references differ in letter case: ${caseOnly} hypothesis words match a reference word only when case is ignored (e.g. "${example[0]}" vs "${example[1]}"), ${exact} match exactly; `
      + `references are ${caseName(caseOf(refs.values()))}, hypotheses ${caseName(caseOf(hyps.values()))}: pass --normalize librispeech (upper-cases both sides) or convert the hypotheses`,
  };
}

/** Every mix-up between a reference and a hypothesis side (format read wrongly, letter case); empty when none. */
export function checkScoringInputs(ref: ScoringSide, hyp: ScoringSide, normalize: NormalizeMode = 'none'): ScoringProblem[] {
  const found = [trnReadAsKaldi(ref), trnReadAsKaldi(hyp)];
  if (!found.some(Boolean)) found.push(caseMismatch(ref.transcripts, hyp.transcripts, normalize));
  return found.filter((p): p is ScoringProblem => p !== undefined);
}
