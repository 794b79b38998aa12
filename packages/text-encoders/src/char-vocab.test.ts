import { describe, expect, it } from 'vitest';
import { CHAR_VOCAB, CharVocab, decodeChars, encodeChars } from './index.js';

describe('CharVocab', () => {
  it('is blank=0, space=1, apostrophe=2, A-Z=3..28', () => {
    expect(CharVocab.size).toBe(29);
    expect([CharVocab.blank, CharVocab.space, CharVocab.apostrophe]).toEqual([0, 1, 2]);
    expect(CHAR_VOCAB[1]).toBe(' ');
    expect(CHAR_VOCAB[2]).toBe("'");
    expect(CHAR_VOCAB[3]).toBe('A');
    expect(CHAR_VOCAB[28]).toBe('Z');
  });

  it('encodes normalized text and decodes it back', () => {
    const ids = encodeChars("it's  a Zoo!");
    expect(Array.from(ids)).toEqual([11, 22, 2, 21, 1, 3, 1, 28, 17, 17]);
    expect(decodeChars(ids)).toBe("IT'S A ZOO");
  });

  it('decodeChars skips blanks and out-of-range ids', () => {
    expect(decodeChars([0, 10, 0, 11, 99, -1, 1, 1, 3])).toBe('HI A');
  });
});
