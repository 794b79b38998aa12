import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeAudioFile } from '@speechkd/audio-features';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { readLibriSpeechSubset } from '@speechkd/librispeech';
import type { Recognizer } from '@speechkd/wer';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateLibriSpeech, formatOneLine, WerEvalError } from '../src/index.js';

/**
 * Test-local recognizer: knows each fixture utterance by its sample count and answers with the
 * reference, corrupted on purpose (lower case + punctuation for one, a dropped word for another).
 */
class LookupRecognizer implements Recognizer {
  readonly name = 'lookup test recognizer';
  calls = 0;
  constructor(private readonly byLength: Map<number, string>, batched: boolean) {
    if (!batched) this.transcribeBatch = undefined;
  }
  async transcribe(samples: Float32Array, sampleRate: number): Promise<string> {
    this.calls++;
    expect(sampleRate).toBe(16000);
    return this.byLength.get(samples.length) ?? '';
  }
  transcribeBatch?: Recognizer['transcribeBatch'] = async (batch) => Promise.all(batch.map((b) => this.transcribe(b.samples, b.sampleRate)));
}

let byLength: Map<number, string>;
beforeAll(async () => {
  byLength = new Map();
  const utts = readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'test-other').utterances;
  for (const [k, u] of utts.entries()) {
    const { samples } = await decodeAudioFile(u.audio);
    let text = u.text;
    if (k === 0) text = `${text.toLowerCase()}.`; // "lobsters and lobsters." -> fixed by --normalize librispeech
    if (k === 1) text = text.split(' ').slice(1).join(' '); // first word deleted
    byLength.set(samples.length, text);
  }
});

const outDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'wer-eval-'));

describe('evaluateLibriSpeech', () => {
  it('transcribes the fixtures with any Recognizer object, writes recogs/errs/wer-summary/report', async () => {
    const rec = new LookupRecognizer(byLength, true);
    const out = outDir();
    const progress: number[] = [];
    const r = await evaluateLibriSpeech({
      root: LIBRISPEECH_SAMPLE_ROOT, subset: 'test-other', outDir: out, recognizer: rec, normalize: 'librispeech', batchSize: 6,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([6, 12, 18, 20]);
    expect(rec.calls).toBe(20);
    expect(r.summary).toMatchObject({ utterances: 20, errors: 1, deletions: 1, sentenceErrors: 1, normalize: 'librispeech' });
    expect(r.audioSeconds).toBeGreaterThan(20);
    expect(r.rtf).not.toBeNull();
    expect(fs.readFileSync(r.files.werSummary, 'utf8')).toMatch(/^settings\tWER\nlookup_test_recognizer\t\d+\.\d\d\n$/);
    const errs = fs.readFileSync(r.files.errs, 'utf8');
    expect(errs).toMatch(/^%WER = \d+\.\d\d\nErrors: 0 insertions, 1 deletions, 0 substitutions, over \d+ reference words/);
    expect(errs).toContain('367-130732-0001:\t(');
    expect(fs.readFileSync(r.files.recogs, 'utf8')).toContain("367-130732-0000:\thyp=['LOBSTERS', 'AND', 'LOBSTERS']");
    const html = fs.readFileSync(r.files.report, 'utf8');
    for (const part of ['<h2>Summary</h2>', '<h2>Error types</h2>', '<h2>Most confused words</h2>', '<table id="utts">', '<script>', 'class="d"']) expect(html).toContain(part);
    expect(html).not.toMatch(/<(link|img)[^>]+(href|src)=/); // self-contained
    expect(formatOneLine('test-other', r)).toMatch(/^test-other: WER \d+\.\d\d % \(1\/\d+ words\), 20 utterances, RTF \d+\.\d{4}/);
  });

  it('uses transcribe() when the recognizer has no transcribeBatch; default normalization keeps case errors', async () => {
    const rec = new LookupRecognizer(byLength, false);
    const r = await evaluateLibriSpeech({ root: LIBRISPEECH_SAMPLE_ROOT, subset: 'test-other', outDir: outDir(), recognizer: rec, limit: 3 });
    expect(rec.calls).toBe(3);
    expect(r.summary).toMatchObject({ utterances: 3, errors: 4, substitutions: 3, deletions: 1 });
  });

  it('scores an external hypothesis file (kaldi or trn); mode decides about missing ones', async () => {
    const dir = outDir();
    const hyp = path.join(dir, 'hyp.trn');
    fs.writeFileSync(hyp, 'A GOLDEN FORTUNE AND A HAPPY LIFE (61-70968-0002)\nSTUFF IT INTO YOU HIS BELLY COUNSELLED HIM (1089-134686-0001)\n');
    const opts = { root: LIBRISPEECH_SAMPLE_ROOT, subset: 'test-clean', outDir: dir, hypFile: hyp, hypFormat: 'trn' as const };
    await expect(evaluateLibriSpeech(opts)).rejects.toThrow(/2 of 4 reference utterances have no hypothesis: 1089-134686-0000, 1089-134686-0002/);
    const r = await evaluateLibriSpeech({ ...opts, mode: 'present' });
    expect(r.summary).toMatchObject({ wer: 0, utterances: 2, missingHypotheses: 2 });
    expect(r.rtf).toBeNull();
  });

  it('needs exactly one of recognizer and hypFile', async () => {
    await expect(evaluateLibriSpeech({ root: LIBRISPEECH_SAMPLE_ROOT, subset: 'test-clean', outDir: outDir() })).rejects.toThrow(WerEvalError);
  });
});
