/** Text normalization applied to both reference and hypothesis before tokenization. */
export type NormalizeMode = 'none' | 'librispeech';

/** All accepted normalization modes, for option validation. */
export const NORMALIZE_MODES: readonly NormalizeMode[] = ['none', 'librispeech'];

// Any Unicode punctuation or symbol except the ASCII apostrophe; typographic apostrophes are mapped first.
const PUNCTUATION = /[^\p{L}\p{N}\p{M}'\s]/gu;
const TYPOGRAPHIC_APOSTROPHES = /[\u2018\u2019\u02bc\u2032]/g;
const WHITESPACE = /\s+/;

/**
 * Normalizes a transcript. `none` only collapses whitespace (LibriSpeech references are already
 * upper case A-Z plus apostrophe); `librispeech` also upper-cases, maps typographic apostrophes to
 * `'` and replaces every other punctuation or symbol character by a space (so `well-known` becomes
 * `WELL KNOWN` and `Mr.` becomes `MR`).
 */
export function normalizeTranscript(text: string, mode: NormalizeMode = 'none'): string {
  return tokenize(text, mode).join(' ');
}

/** Splits a transcript into words after normalization (see `normalizeTranscript`); never returns empty words. */
export function tokenize(text: string, mode: NormalizeMode = 'none'): string[] {
  let t = text;
  if (mode === 'librispeech') {
    t = t.normalize('NFC').replace(TYPOGRAPHIC_APOSTROPHES, "'").replace(PUNCTUATION, ' ').toUpperCase();
  }
  const words = t.split(WHITESPACE);
  // split() yields empty strings only at the ends (leading/trailing whitespace) or for an empty input.
  let start = 0;
  let end = words.length;
  if (end > 0 && words[0] === '') start = 1;
  if (end > start && words[end - 1] === '') end -= 1;
  return start === 0 && end === words.length ? words : words.slice(start, end);
}
