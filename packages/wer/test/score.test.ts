import { describe, expect, it } from 'vitest';
import { MissingHypothesesError, WerOptionError, computeErrorRates, confusionCounts, formatDetails, normalizeTranscript, scoreCorpus } from '../src/index.js';

const m = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

describe('scoreCorpus', () => {
  it('corpus WER is total edits / total reference words, not a mean of utterance WERs', () => {
    const { summary } = scoreCorpus(m({ a: 'ONE', b: 'ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE' }), m({ a: 'UNO', b: 'ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE' }));
    expect(summary.wer).toBeCloseTo(1 / 10, 12); // a mean of utterance WERs would be 0.5
    expect(summary).toMatchObject({ errors: 1, substitutions: 1, referenceWords: 10, hypothesisWords: 10, utterances: 2, sentenceErrors: 1, sentenceErrorRate: 0.5 });
  });

  it('CER counts characters of the normalized text, spaces between words included (jiwer convention)', () => {
    const { summary } = scoreCorpus(m({ a: 'AB  CD' }), m({ a: 'AB CE' }));
    expect(summary.referenceChars).toBe(5); // "AB CD": whitespace collapsed first
    expect(summary.charErrors).toBe(1);
    expect(summary.cer).toBeCloseTo(0.2, 12);
    const joined = scoreCorpus(m({ a: 'AB CD' }), m({ a: 'ABCD' })).summary;
    expect([joined.charDeletions, joined.errors]).toEqual([1, 2]); // one missing space = 1 char error, 2 word errors
  });

  it('empty reference: 0 words, hypothesis words are insertions; all-empty reference side gives wer null', () => {
    const one = scoreCorpus(m({ a: '', b: 'X Y' }), m({ a: 'UM UH', b: 'X Y' })).summary;
    expect(one).toMatchObject({ wer: 1, errors: 2, insertions: 2, referenceWords: 2, sentenceErrors: 1 });
    const all = scoreCorpus(m({ a: '', b: '  ' }), m({ a: 'UM', b: '' })).summary;
    expect(all).toMatchObject({ wer: null, cer: null, errors: 1, insertions: 1, referenceWords: 0, utterances: 2, sentenceErrors: 1 });
  });

  it('mode strict throws listing the missing ids; present skips; all scores them as empty', () => {
    const refs = m({ a: 'A B', b: 'C D', c: 'E' });
    const hyps = m({ a: 'A B', z: 'EXTRA' });
    expect(() => scoreCorpus(refs, hyps)).toThrow(MissingHypothesesError);
    expect(() => scoreCorpus(refs, hyps)).toThrow(/2 of 3 reference utterances have no hypothesis: b, c/);
    expect(scoreCorpus(refs, hyps, { mode: 'present' }).summary).toMatchObject({ wer: 0, utterances: 1, referenceWords: 2, missingHypotheses: 2, extraHypotheses: 1 });
    const all = scoreCorpus(refs, hyps, { mode: 'all' });
    expect(all.summary).toMatchObject({ errors: 3, deletions: 3, referenceWords: 5, utterances: 3, missingHypotheses: 2 });
    expect(all.utterances.map((u) => u.missing)).toEqual([false, true, true]);
  });

  it('rejects unknown option values with a message naming the option', () => {
    expect(() => scoreCorpus(m({}), m({}), { mode: 'loose' as never })).toThrow(WerOptionError);
    expect(() => scoreCorpus(m({}), m({}), { normalize: 'upper' as never })).toThrow(/normalize must be one of none, librispeech/);
  });

  it('normalization: default collapses whitespace only; librispeech upper-cases and strips punctuation but apostrophes', () => {
    expect(normalizeTranscript(' he\tsaid  hi ')).toBe('he said hi');
    expect(normalizeTranscript("Well-known, Mr. O’Brien's \"dog\"!", 'librispeech')).toBe("WELL KNOWN MR O'BRIEN'S DOG");
    expect(scoreCorpus(m({ a: 'HELLO WORLD' }), m({ a: 'hello, world.' })).summary.errors).toBe(2);
    expect(scoreCorpus(m({ a: 'HELLO WORLD' }), m({ a: 'hello, world.' }), { normalize: 'librispeech' }).summary.errors).toBe(0);
  });

  it('jiwer documentation example: ["hello world", "i like monthy python"] vs ["hello duck", "i like python"] -> 2/6', () => {
    const s = computeErrorRates(['hello world', 'i like monthy python'], ['hello duck', 'i like python']);
    expect(s).toMatchObject({ errors: 2, substitutions: 1, deletions: 1, referenceWords: 6 });
    expect(s.wer).toBeCloseTo(1 / 3, 12);
  });

  it('computeErrorRates scores parallel arrays', () => {
    expect(computeErrorRates(['A B C', 'D'], ['A X C', 'D'])).toMatchObject({ wer: 0.25, errors: 1, utterances: 2 });
    expect(() => computeErrorRates(['A'], [])).toThrow(/1 references but 0 hypotheses/);
  });

  it('details and confusions from alignments', () => {
    const { utterances } = scoreCorpus(m({ u1: 'A B C D', u2: 'B C' }), m({ u1: 'A C D EE', u2: 'X C' }), { alignments: true });
    expect(formatDetails(utterances)).toBe([
      'id: (u1)', 'Scores: (#C #S #D #I) 3 0 1 1', 'REF:  a B c d **', 'HYP:  a * c d EE', 'Eval:   D     I', '',
      'id: (u2)', 'Scores: (#C #S #D #I) 1 1 0 0', 'REF:  B c', 'HYP:  X c', 'Eval: S', '',
    ].join('\n'));
    expect(confusionCounts(utterances)).toEqual({ substitutions: [['B', 'X', 1]], deletions: [['B', 1]], insertions: [['EE', 1]] });
  });
});
