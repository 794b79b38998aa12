import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranscriptError, formatTranscripts, parseTranscripts, readTranscripts } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wer-transcripts-'));
const write = (name: string, data: string | Uint8Array): string => { const f = path.join(tmp, name); fs.writeFileSync(f, data); return f; };

describe('transcript readers', () => {
  it('kaldi: ID words, CRLF, tabs, blank lines, BOM, id-only lines', () => {
    const t = parseTranscripts('\ufeffu1 HELLO\tWORLD\r\n\r\nu2\tA  B \r\nu3\n', 'kaldi');
    expect([...t]).toEqual([['u1', 'HELLO\tWORLD'], ['u2', 'A  B'], ['u3', '']]);
  });

  it('trn: words (ID), parentheses inside the words, empty transcript, CR line ends', () => {
    const t = parseTranscripts('hello (noise) world (u1)\r(u2)\r  a\tb  ( u3 ) \n', 'trn');
    expect([...t]).toEqual([['u1', 'hello (noise) world'], ['u2', ''], ['u3', 'a\tb']]);
  });

  it('trn: a line without a trailing (ID) is an error naming the file and line', () => {
    expect(() => parseTranscripts('a b (u1)\nno id here\n', 'trn', 'h.trn')).toThrow('h.trn:2: expected a trn line');
    expect(() => parseTranscripts('a () \n', 'trn', 'h.trn')).toThrow(/h\.trn:1: utterance id/);
  });

  it('duplicate ids: error naming file, line and first occurrence', () => {
    expect(() => parseTranscripts('u1 A\nu2 B\nu1 C\n', 'kaldi', 'ref.txt')).toThrow('ref.txt:3: duplicate utterance id "u1" (first seen on line 1)');
  });

  it('non-UTF-8 bytes: TranscriptError naming the file and the first bad line', () => {
    const f = write('latin1.txt', new Uint8Array([...Buffer.from('u1 OK\nu2 CAF'), 0xc9, 0x0a]));
    expect(() => readTranscripts(f, 'kaldi')).toThrow(TranscriptError);
    expect(() => readTranscripts(f, 'kaldi')).toThrow(`${f}:2: not valid UTF-8 text`);
  });

  it('empty file gives an empty map; a missing file a clear error', () => {
    expect(readTranscripts(write('empty.txt', ''), 'kaldi').size).toBe(0);
    expect(() => readTranscripts(path.join(tmp, 'nope.txt'), 'kaldi')).toThrow(/nope\.txt: file not found/);
  });

  it('formatTranscripts round-trips both formats', () => {
    const m = new Map([['u1', 'A B'], ['u2', '']]);
    for (const fmt of ['kaldi', 'trn'] as const) expect(parseTranscripts(formatTranscripts(m, fmt), fmt)).toEqual(m);
  });
});
