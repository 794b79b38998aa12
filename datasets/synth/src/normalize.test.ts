import { describe, expect, it } from 'vitest';
import { parseBrownDocument, stripTags } from './brown.js';
import { normalizeSentence, normalizeToken } from './normalize.js';
import { cardinalWords, ordinalWords, yearWords } from './numbers.js';

const say = (tokens: string): string | null => normalizeSentence(tokens.split(' '))?.join(' ') ?? null;

describe('numbers', () => {
  it('cardinals', () => {
    expect(cardinalWords(0).join(' ')).toBe('ZERO');
    expect(cardinalWords(115).join(' ')).toBe('ONE HUNDRED FIFTEEN');
    expect(cardinalWords(40000).join(' ')).toBe('FORTY THOUSAND');
    expect(cardinalWords(1_000_021).join(' ')).toBe('ONE MILLION TWENTY ONE');
  });
  it('ordinals', () => {
    expect(ordinalWords(1).join(' ')).toBe('FIRST');
    expect(ordinalWords(23).join(' ')).toBe('TWENTY THIRD');
    expect(ordinalWords(20).join(' ')).toBe('TWENTIETH');
    expect(ordinalWords(112).join(' ')).toBe('ONE HUNDRED TWELFTH');
  });
  it('years', () => {
    expect(yearWords(1961).join(' ')).toBe('NINETEEN SIXTY ONE');
    expect(yearWords(1905).join(' ')).toBe('NINETEEN O FIVE');
    expect(yearWords(1900).join(' ')).toBe('NINETEEN HUNDRED');
    expect(yearWords(2004).join(' ')).toBe('TWO THOUSAND FOUR');
  });
});

describe('normalizeSentence', () => {
  it('upper-cases, keeps apostrophes, drops punctuation and quotes', () => {
    expect(say("`` It's the jury's view , '' he said .")).toBe("IT'S THE JURY'S VIEW HE SAID");
  });
  it('spells money, percent, years, decades, ordinals, decimals, times and symbols', () => {
    expect(say('it cost $1,000 in 1961')).toBe('IT COST ONE THOUSAND DOLLARS IN NINETEEN SIXTY ONE');
    expect(say('a $100 million bond')).toBe('A ONE HUNDRED MILLION DOLLARS BOND');
    expect(say('$2.50 each')).toBe('TWO DOLLARS AND FIFTY CENTS EACH');
    expect(say('up 50% on the 15th')).toBe('UP FIFTY PERCENT ON THE FIFTEENTH');
    expect(say('the 1920\'s and 3.5 and 0.1')).toBe('THE NINETEEN TWENTIES AND THREE POINT FIVE AND ZERO POINT ONE');
    expect(say('at 7:30 or 2:05 for A & P + more')).toBe('AT SEVEN THIRTY OR TWO O FIVE FOR A AND P PLUS MORE');
  });
  it('splits hyphens and and/or, expands titles and initialisms', () => {
    expect(say('a 10-year term-end and/or Mr. Smith of the U.S.')).toBe('A TEN YEAR TERM END AND OR MISTER SMITH OF THE U S');
  });
  it('strips diacritics', () => {
    expect(say('the café opened')).toBe('THE CAFE OPENED');
  });
  it('rejects sentences it cannot spell reliably', () => {
    expect(say('add 1/2 cup')).toBeNull();
    expect(say('the Calif. law')).toBeNull();
    expect(say('a **zg formula')).toBeNull();
    expect(normalizeToken('mg/l')).toBeNull();
  });
});

describe('Brown parsing', () => {
  it('strips tags and keeps 3-30 word sentences', () => {
    expect(stripTags("\tThe/at jury/nn said/vbd ./.")).toEqual(['The', 'jury', 'said', '.']);
    const doc = parseBrownDocument('cx01', "\n\tThe/at jury/nn said/vbd ./.\n\n\tYes/rb ./.\n\tAdd/vb 1/2/cd cup/nn ./.\n");
    expect(doc.sentences.map((s) => s.join(' '))).toEqual(['THE JURY SAID']);
  });
});
