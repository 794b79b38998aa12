import { cardinalWords, digitWords, ordinalWords, pluralWords, yearWords } from './numbers.js';

/** Abbreviations read as whole words (LibriSpeech spells MISTER, MISSUS, DOCTOR ...). Keys: upper case, no period. */
const ABBREVIATIONS: Record<string, string[]> = {
  MR: ['MISTER'], MRS: ['MISSUS'], DR: ['DOCTOR'], ST: ['SAINT'], JR: ['JUNIOR'], SR: ['SENIOR'], GEN: ['GENERAL'],
  GOV: ['GOVERNOR'], SEN: ['SENATOR'], REP: ['REPRESENTATIVE'], PROF: ['PROFESSOR'], REV: ['REVEREND'],
  CAPT: ['CAPTAIN'], COL: ['COLONEL'], LT: ['LIEUTENANT'], SGT: ['SERGEANT'], MT: ['MOUNT'], VS: ['VERSUS'],
  ETC: ['ET', 'CETERA'], JAN: ['JANUARY'], FEB: ['FEBRUARY'], AUG: ['AUGUST'], SEPT: ['SEPTEMBER'],
  OCT: ['OCTOBER'], NOV: ['NOVEMBER'], DEC: ['DECEMBER'], AVE: ['AVENUE'], MESSRS: ['MESSIEURS'],
};
const SYMBOLS: Record<string, string[]> = { '&': ['AND'], '+': ['PLUS'], '%': ['PERCENT'], '=': ['EQUALS'] };
const SCALE_WORDS = new Set(['THOUSAND', 'MILLION', 'BILLION', 'TRILLION']);
const PLAIN_WORD = /^[A-Za-z]+(?:'[A-Za-z]+)*$/;
const WORD = /^[A-Z]+(?:'[A-Z]+)*$/;

function stripDiacritics(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? s.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : s;
}

function numberWords(digits: string): string[] {
  const clean = digits.replace(/,/g, '');
  if (clean.length > 15) return [];
  return cardinalWords(Number(clean));
}

function decimalWords(s: string): string[] {
  const [int, frac] = s.replace(/,/g, '').split('.');
  const head = int ? numberWords(int) : [];
  return [...head, 'POINT', ...digitWords(frac)];
}

/** Normalizes one hyphen-free piece of a token; null means the sentence cannot be spelled reliably. */
function normalizePiece(raw: string): string[] | null {
  const p = raw.replace(/^[`'"(\[]+/, '').replace(/[`"),;:!?\]]+$/, '');
  if (p === '') return [];
  if (SYMBOLS[p]) return SYMBOLS[p];
  let m: RegExpMatchArray | null;
  if ((m = p.match(/^\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d\d))?$/))) {
    const dollars = numberWords(m[1]);
    if (!dollars.length) return null;
    const out = [...dollars, m[1] === '1' ? 'DOLLAR' : 'DOLLARS'];
    if (m[2] && Number(m[2]) > 0) out.push('AND', ...cardinalWords(Number(m[2])), m[2] === '01' ? 'CENT' : 'CENTS');
    return out;
  }
  if ((m = p.match(/^(\d[\d,]*(?:\.\d+)?|\.\d+)%$/))) return [...(m[1].includes('.') ? decimalWords(m[1]) : numberWords(m[1])), 'PERCENT'];
  if ((m = p.match(/^(\d{4})'?s$/))) return pluralWords(yearWords(Number(m[1])));
  if ((m = p.match(/^(\d{2,3})'s$/))) return pluralWords(cardinalWords(Number(m[1])));
  if ((m = p.match(/^(\d+)(?:st|nd|rd|th|d)$/i))) return m[1].length <= 15 ? ordinalWords(Number(m[1])) : null;
  if ((m = p.match(/^(\d{1,2}):(\d\d)$/))) {
    const min = Number(m[2]);
    const hour = cardinalWords(Number(m[1]));
    if (min === 0) return [...hour, "O'CLOCK"];
    return min < 10 ? [...hour, 'O', ...cardinalWords(min)] : [...hour, ...cardinalWords(min)];
  }
  if (/^\d{1,3}(?:,\d{3})+$/.test(p)) return numberWords(p);
  if (/^\d+$/.test(p)) {
    const n = Number(p);
    if (p.length === 4 && n >= 1100 && n <= 2099) return yearWords(n);
    if (p.length > 1 && p.startsWith('0')) return digitWords(p);
    return p.length <= 15 ? cardinalWords(n) : null;
  }
  if (/^\d*\.\d+$/.test(p) || /^\d{1,3}(?:,\d{3})+\.\d+$/.test(p)) return decimalWords(p);
  const upper = p.toUpperCase();
  if (/^(?:[A-Z]\.)+[A-Z]?\.?$/.test(upper)) return upper.replace(/\./g, '').split('');
  if (upper.endsWith('.') && ABBREVIATIONS[upper.slice(0, -1)]) return ABBREVIATIONS[upper.slice(0, -1)];
  const word = upper.replace(/^'+/, '').replace(/'+$/, '');
  if (word === '') return [];
  return WORD.test(word) ? [word] : null;
}

/** Normalizes one corpus token (may hold hyphens, "and/or", symbols) to LibriSpeech words; null rejects the sentence. */
export function normalizeToken(token: string): string[] | null {
  if (PLAIN_WORD.test(token)) return [token.toUpperCase()]; // fast path: ~90% of tokens
  const t = stripDiacritics(token).trim();
  if (t === '') return [];
  if (SYMBOLS[t]) return SYMBOLS[t];
  if (!/[A-Za-z0-9$&+%]/.test(t)) return []; // pure punctuation: . , ; `` '' -- ( ) ...
  if (/\*\*|[{}<>@#|\\^~_]/.test(t)) return null; // Brown formula markers and other unspeakable symbols
  let pieces: string[];
  if (t.includes('/')) {
    pieces = t.split('/');
    // Word pairs such as and/or are read as both words; fractions and units such as mg/l are not speakable as written.
    if (!pieces.every((p) => /^[A-Za-z]{2,}$/.test(p) && /[aeiouy]/i.test(p))) return null;
  } else {
    pieces = t.split(/-+/);
  }
  const out: string[] = [];
  for (const piece of pieces) {
    const words = normalizePiece(piece);
    if (words === null) return null;
    out.push(...words);
  }
  return out;
}

/** Normalizes a tokenized sentence to LibriSpeech transcript words (upper case A-Z and apostrophe); null if it cannot be spelled reliably. */
export function normalizeSentence(tokens: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const token of tokens) {
    const words = normalizeToken(token);
    if (words === null) return null;
    out.push(...words);
  }
  // "$100 million" is read "one hundred million dollars".
  for (let i = 0; i + 1 < out.length; i++) {
    if ((out[i] === 'DOLLARS' || out[i] === 'DOLLAR') && SCALE_WORDS.has(out[i + 1])) {
      out[i] = out[i + 1];
      out[i + 1] = 'DOLLARS';
    }
  }
  return out.every((w) => WORD.test(w)) ? out : null;
}
