import { describe, expect, it } from 'vitest';
import { normalizeText } from './index.js';

describe('normalizeText', () => {
  it('upper-cases, keeps A-Z and apostrophes, single spaces', () => {
    expect(normalizeText("  Hello,   world! It's a term-end test.\n")).toBe("HELLO WORLD IT'S A TERM END TEST");
  });
  it('maps typographic apostrophes, strips diacritics and quote marks at word edges', () => {
    expect(normalizeText('Café’s “naïve” \'quoted\' rock’n’roll')).toBe("CAFE'S NAIVE QUOTED ROCK'N'ROLL");
  });
  it('drops digits and symbols (spell numbers before normalizing)', () => {
    expect(normalizeText('Room 101 & $5')).toBe('ROOM');
  });
  it('is idempotent and maps empty/punctuation-only text to ""', () => {
    const once = normalizeText("Mr. O'Neil's ``cat''");
    expect(normalizeText(once)).toBe(once);
    expect(normalizeText(' .,;!? ')).toBe('');
  });
});
