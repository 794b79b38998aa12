import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { describe, expect, it } from 'vitest';
import { LibriSpeechError, LibriSpeechInputError, buildManifest, describeConventionBreaks, readLibriSpeechSubset, readManifest, writeManifest } from '../src/index.js';

/** Copies one fixture subset into a temp LibriSpeech root so a test can damage it. */
function copySubset(subset: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-reader-'));
  fs.cpSync(path.join(LIBRISPEECH_SAMPLE_ROOT, subset), path.join(root, 'LibriSpeech', subset), { recursive: true });
  return root;
}

describe('readLibriSpeechSubset', () => {
  it('reads the fixture subsets (FLAC and WAV), sorted, with texts and absolute audio paths', () => {
    const other = readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'test-other');
    expect(other.utterances).toHaveLength(20);
    expect(other.utterances[0]).toMatchObject({ id: '367-130732-0000', speaker: '367', chapter: '130732', line: 1 });
    expect(other.utterances[0].audio.endsWith('367-130732-0000.flac')).toBe(true);
    const clean = readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'test-clean');
    expect(clean.utterances.map((u) => u.id)).toEqual(['61-70968-0002', '1089-134686-0000', '1089-134686-0001', '1089-134686-0002']);
    expect(clean.utterances[3].text).toBe('AFTER EARLY NIGHTFALL THE YELLOW LAMPS WOULD LIGHT UP HERE AND THERE THE SQUALID QUARTER OF THE BROTHELS');
    expect(clean.utterances[3].audio.endsWith('.wav')).toBe(true);
  });

  it('says when transcripts break the corpus convention (upper case A-Z plus apostrophe); the real sample follows it', () => {
    for (const subset of ['dev-clean', 'test-clean', 'test-other']) expect(readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, subset).conventionBreaks).toEqual([]);
    const root = copySubset('test-clean');
    const trans = path.join(root, 'LibriSpeech', 'test-clean', '1089', '134686', '1089-134686.trans.txt');
    const lines = fs.readFileSync(trans, 'utf8').trim().split('\n');
    lines[1] = lines[1].replace(/ .*/, ' he hoped there would be stew for dinner');
    lines[2] = lines[2].replace(/ .*/, ' STUFF IT INTO YOU, 2 TIMES');
    fs.writeFileSync(trans, `${lines.join('\n')}\n`);
    const r = readLibriSpeechSubset(root, 'test-clean');
    expect(r.utterances).toHaveLength(4);
    expect(r.conventionBreaks.map((b) => [b.id, b.line])).toEqual([['1089-134686-0001', 2], ['1089-134686-0002', 3]]);
    expect(describeConventionBreaks(r.conventionBreaks, r.utterances.length)).toBe(
      `2 of 4 transcripts break the LibriSpeech convention (upper case A-Z plus apostrophe), first ${trans}:2 "he hoped there would be stew for dinner"; score them with --normalize librispeech, or fix the transcripts`,
    );
    expect(describeConventionBreaks([], 4)).toBeUndefined();
  });

  it('accepts the parent of the LibriSpeech folder as root; unknown subsets list what exists', () => {
    const root = copySubset('test-clean');
    expect(readLibriSpeechSubset(root, 'test-clean').utterances).toHaveLength(4);
    expect(() => readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'train-clean-100')).toThrow(LibriSpeechInputError);
    expect(() => readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'train-clean-100')).toThrow(/found: dev-clean, test-clean, test-other/);
  });

  it('missing audio, orphan audio, orphan transcript, duplicate ids, malformed lines: errors with file:line, or skipped with counts', () => {
    const root = copySubset('test-other');
    const chap = path.join(root, 'LibriSpeech', 'test-other', '367', '130732');
    const trans = path.join(chap, '367-130732.trans.txt');
    fs.rmSync(path.join(chap, '367-130732-0001.flac')); // line 2 loses its audio
    const lines = fs.readFileSync(trans, 'utf8').split('\n');
    lines.splice(3, 0, lines[0], 'BROKEN LINE WITHOUT ID', '367-130732-0099');
    fs.writeFileSync(trans, lines.join('\r\n')); // CRLF is fine
    fs.copyFileSync(path.join(chap, '367-130732-0000.flac'), path.join(chap, '367-130732-0042.flac')); // audio without a line
    fs.writeFileSync(path.join(chap, '999-1.trans.txt'), '999-1-0000 HELLO\n'); // transcript in the wrong folder

    expect(() => readLibriSpeechSubset(root, 'test-other')).toThrow(LibriSpeechError);
    expect(() => readLibriSpeechSubset(root, 'test-other')).toThrow(/999-1\.trans\.txt: transcript file does not belong/);
    fs.rmSync(path.join(chap, '999-1.trans.txt'));
    expect(() => readLibriSpeechSubset(root, 'test-other')).toThrow(`${trans}:2: no audio file for 367-130732-0001`);
    const r = readLibriSpeechSubset(root, 'test-other', { onProblem: 'skip' });
    expect(r.skipped).toEqual({ 'missing-audio': 1, 'orphan-audio': 1, 'orphan-transcript': 0, 'duplicate-id': 1, 'malformed-line': 2, 'unreadable-audio': 0 });
    expect(r.problems.map((p) => `${path.basename(p.file)}:${p.line} ${p.kind}`)).toEqual([
      '367-130732.trans.txt:2 missing-audio',
      '367-130732.trans.txt:4 duplicate-id',
      '367-130732.trans.txt:5 malformed-line',
      '367-130732.trans.txt:6 malformed-line',
      '367-130732-0042.flac:0 orphan-audio',
    ]);
    expect(r.utterances).toHaveLength(19);
  });

  it('non-UTF-8 or empty transcript files: the file is reported, its audio becomes orphan', () => {
    const root = copySubset('test-clean');
    const chap = path.join(root, 'LibriSpeech', 'test-clean', '1089', '134686');
    fs.writeFileSync(path.join(chap, '1089-134686.trans.txt'), new Uint8Array([0x31, 0x30, 0xff, 0x0a]));
    expect(() => readLibriSpeechSubset(root, 'test-clean')).toThrow(/1089-134686\.trans\.txt: transcript file is not valid UTF-8 text \[malformed-line\]/);
    fs.writeFileSync(path.join(chap, '1089-134686.trans.txt'), '');
    const r = readLibriSpeechSubset(root, 'test-clean', { onProblem: 'skip' });
    expect(r.utterances.map((u) => u.id)).toEqual(['61-70968-0002']);
    expect(r.skipped['orphan-audio']).toBe(3);
  });

  it('rejects a bad onProblem value', () => {
    expect(() => readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'test-clean', { onProblem: 'ignore' as never })).toThrow(/onProblem must be/);
  });
});

describe('buildManifest', () => {
  it('builds entries with header durations and round-trips through writeManifest/readManifest', async () => {
    const built = await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'test-clean');
    expect(built.entries).toHaveLength(4);
    for (const e of built.entries) expect(e.duration).toBeGreaterThan(1);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ls-manifest-')), 'sub', 'test-clean.jsonl');
    writeManifest(out, built.entries);
    expect(fs.readFileSync(out, 'utf8')).toContain('"audio":"../');
    expect(readManifest(out)).toEqual(built.entries);
  });

  it('durations equal the sample counts that sox reports (golden from soxi -s)', async () => {
    const golden = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'golden', 'durations.json'), 'utf8')) as Record<string, number>;
    const built = await buildManifest(LIBRISPEECH_SAMPLE_ROOT, 'test-other');
    for (const e of built.entries) expect(Math.round(e.duration * 16000), e.id).toBe(golden[e.id]);
  });

  it('unreadable audio: error, or skipped and counted', async () => {
    const root = copySubset('test-clean');
    fs.writeFileSync(path.join(root, 'LibriSpeech', 'test-clean', '61', '70968', '61-70968-0002.wav'), 'not audio');
    await expect(buildManifest(root, 'test-clean')).rejects.toThrow(/61-70968-0002\.wav: cannot read audio header/);
    const built = await buildManifest(root, 'test-clean', { onProblem: 'skip' });
    expect(built.entries).toHaveLength(3);
    expect(built.skipped['unreadable-audio']).toBe(1);
  });
});
