/** CTC character vocabulary: index 0 is the blank, then space, apostrophe, A-Z (29 classes). */
export const CHAR_VOCAB: readonly string[] = ['<blank>', ' ', "'", ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')];

/** Index of the CTC blank in CHAR_VOCAB. */
export const BLANK_ID = 0;

const INDEX = new Map<string, number>(CHAR_VOCAB.map((c, i) => [c, i]));

/** Normalizes text to the vocabulary: upper case, letters/apostrophe/space only, single spaces. */
export function normalizeTranscript(text: string): string {
  return text
    .toUpperCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[^A-Z' ]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

/** Encodes a transcript to label ids (1..28); characters outside the vocabulary are dropped. */
export function encodeText(text: string): Int32Array {
  const norm = normalizeTranscript(text);
  const out: number[] = [];
  for (const ch of norm) {
    const id = INDEX.get(ch);
    if (id !== undefined && id !== BLANK_ID) out.push(id);
  }
  return Int32Array.from(out);
}

/** Decodes label ids (no blanks expected; blanks are skipped) back to text. */
export function decodeIds(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id !== BLANK_ID && id > 0 && id < CHAR_VOCAB.length) s += CHAR_VOCAB[id];
  }
  return s.replace(/ +/g, ' ').trim();
}
