import { normalizeText } from './normalize.js';

/** CTC character vocabulary symbols: index 0 blank, 1 space, 2 apostrophe, 3..28 A-Z (29 classes). */
export const CHAR_VOCAB: readonly string[] = ['<blank>', ' ', "'", ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** The CTC character vocabulary with its special indices (same mapping as the student trainer's). */
export const CharVocab = {
  symbols: CHAR_VOCAB,
  size: CHAR_VOCAB.length,
  blank: 0,
  space: 1,
  apostrophe: 2,
} as const;

const INDEX = new Map<string, number>(CHAR_VOCAB.map((c, i) => [c, i]));

/** Encodes text to label ids `[chars]` (1..28) after `normalizeText`; never emits the blank. */
export function encodeChars(text: string): Int32Array {
  const norm = normalizeText(text);
  const out = new Int32Array(norm.length);
  for (let i = 0; i < norm.length; i++) out[i] = INDEX.get(norm[i])!;
  return out;
}

/** Decodes label ids to text, skipping blanks and out-of-range ids; collapses repeated spaces. */
export function decodeChars(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id > 0 && id < CHAR_VOCAB.length) s += CHAR_VOCAB[id];
  }
  return s.replace(/ +/g, ' ').trim();
}
