import { describe, expect, it } from 'vitest';
import { caseMismatch, checkScoringInputs, parseTranscripts, ScoringMixupError, TranscriptError, trnReadAsKaldi } from '../src/index.js';

const kaldiRefs = parseTranscripts('u1 THE CAT SAT\nu2 HELLO WORLD\n', 'kaldi');

describe('scoring mix-ups', () => {
  it('trn lines read as kaldi: detected, with the fix; a kaldi file is not flagged', () => {
    const trnAsKaldi = parseTranscripts('THE CAT SAT (u1)\nHELLO WORLD (u2)\n(u3)\n', 'kaldi');
    const p = trnReadAsKaldi({ transcripts: trnAsKaldi, format: 'kaldi', source: 'hyp.trn' });
    expect(p).toEqual({ kind: 'trn-read-as-kaldi', message: 'hyp.trn: 3 of 3 lines end with "(ID)", the trn layout "word word ... (ID)", but were read as kaldi "ID word ...": pass --format trn' });
    expect(trnReadAsKaldi({ transcripts: kaldiRefs, format: 'kaldi', source: 'ref' })).toBeUndefined();
    expect(trnReadAsKaldi({ transcripts: trnAsKaldi, format: 'trn', source: 'x' })).toBeUndefined();
    // A kaldi line whose last word happens to be in parentheses does not make the file trn.
    expect(trnReadAsKaldi({ transcripts: parseTranscripts('a1 SAY (AH)\na2 NO\na3 YES\n', 'kaldi'), format: 'kaldi', source: 'x' })).toBeUndefined();
  });

  it('kaldi lines read as trn: the parse error says it looks like kaldi', () => {
    expect(() => parseTranscripts('u1 THE CAT\nu2 HELLO\n', 'trn', 'ref.txt')).toThrow(TranscriptError);
    expect(() => parseTranscripts('u1 THE CAT\nu2 HELLO\n', 'trn', 'ref.txt')).toThrow('ref.txt:1: expected a trn line "word word ... (ID)" ending with the utterance id in parentheses; no line ends with "(ID)": this looks like a kaldi file "ID word ...", pass --format kaldi');
    expect(() => parseTranscripts('A B (u1)\nno id here\n', 'trn', 'h')).toThrow(/^h:2: expected a trn line "word word \.\.\. \(ID\)" ending with the utterance id in parentheses$/);
  });

  it('lower-case hypotheses against upper-case references: a case mismatch naming both cases and the fix', () => {
    const hyps = parseTranscripts('u1 the bat sat\nu2 hello world\n', 'kaldi');
    expect(caseMismatch(kaldiRefs, hyps)).toEqual({
      kind: 'case-mismatch',
      message: 'hypotheses and references differ in letter case: 4 hypothesis words match a reference word only when case is ignored (e.g. "the" vs "THE"), 0 match exactly; '
        + 'references are upper case, hypotheses lower case: pass --normalize librispeech (upper-cases both sides) or convert the hypotheses',
    });
    expect(caseMismatch(kaldiRefs, hyps, 'librispeech')).toBeUndefined();
    // Same case, or a few sentence-initial capitals among mostly exact matches: no mismatch.
    expect(caseMismatch(kaldiRefs, parseTranscripts('u1 THE BAT SAT\nu2 HELO WORLD\n', 'kaldi'))).toBeUndefined();
    const mixedRefs = parseTranscripts('m1 The cat sat on the mat\n', 'kaldi');
    expect(caseMismatch(mixedRefs, parseTranscripts('m1 the cat sat on the mat\n', 'kaldi'))).toBeUndefined();
  });

  it('checkScoringInputs collects the problems; ScoringMixupError lists them with the strict-mode note', () => {
    const trnHyps = parseTranscripts('the cat sat (u1)\n', 'kaldi');
    const problems = checkScoringInputs({ transcripts: kaldiRefs, format: 'kaldi', source: 'ref.txt' }, { transcripts: trnHyps, format: 'kaldi', source: 'hyp.trn' });
    expect(problems.map((p) => p.kind)).toEqual(['trn-read-as-kaldi']);
    const err = new ScoringMixupError(problems);
    expect(err.message).toMatch(/^hyp\.trn: 1 of 1 lines end with "\(ID\)".*\n\(an error with --mode strict; --mode present or all score anyway with a warning\)$/);
    expect(checkScoringInputs({ transcripts: kaldiRefs, source: 'corpus' }, { transcripts: kaldiRefs, format: 'kaldi', source: 'h' })).toEqual([]);
  });
});
