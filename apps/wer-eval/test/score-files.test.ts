import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, scoreFiles, WerEvalError } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wer-eval-score-'));
const write = (name: string, data: string): string => { const f = path.join(tmp, name); fs.writeFileSync(f, data); return f; };

describe('scoreFiles', () => {
  it('scores kaldi files and formats a Kaldi-style summary', () => {
    const { summary } = scoreFiles({ ref: write('r.txt', 'u1 A B C D\n'), hyp: write('h.txt', 'u1 A C D E\n') });
    expect(formatSummary(summary).split('\n')[0]).toBe('%WER 50.00 [ 2 / 4, 1 ins, 1 del, 0 sub ]');
  });

  it('empty reference file, duplicate ids and bad option values are clear errors', () => {
    const ref = write('r2.txt', 'u1 A\nu2 B\n');
    expect(() => scoreFiles({ ref: write('empty.txt', '\n\n'), hyp: ref })).toThrow(WerEvalError);
    expect(() => scoreFiles({ ref: write('empty2.txt', ''), hyp: ref })).toThrow(/empty2\.txt: reference file has no utterances/);
    expect(() => scoreFiles({ ref, hyp: write('dup.txt', 'u1 A\nu2 B\nu1 C\n'), mode: 'all' })).toThrow(/dup\.txt:3: duplicate utterance id "u1"/);
    expect(() => scoreFiles({ ref, hyp: ref, mode: 'lenient' as never })).toThrow(/--mode must be one of strict, present, all \(got "lenient"\)/);
    expect(() => scoreFiles({ ref, hyp: ref, format: 'ctm' as never })).toThrow(/--format must be one of kaldi, trn/);
  });

  it('mode all and an empty hypothesis file: every reference word is a deletion', () => {
    const { summary } = scoreFiles({ ref: write('r3.txt', 'u1 A B\nu2 C\n'), hyp: write('h3.txt', ''), mode: 'all' });
    expect(summary).toMatchObject({ wer: 1, deletions: 3, missingHypotheses: 2 });
  });
});
