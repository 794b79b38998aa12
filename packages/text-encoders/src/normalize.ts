/**
 * LibriSpeech-style transcript normalization: diacritics stripped, typographic apostrophes to `'`,
 * upper case, every character other than A-Z and apostrophe becomes a space, apostrophes at word
 * edges (quotes) dropped, single spaces, trimmed. Idempotent. Numbers are not spelled out (digits
 * become spaces): spell them before calling this when that matters.
 */
export function normalizeText(text: string): string {
  const ascii = /[^\x00-\x7f]/.test(text) ? text.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : text;
  return ascii
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .toUpperCase()
    .replace(/[^A-Z']+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0)
    .join(' ');
}
