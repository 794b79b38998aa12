// The CTC character vocabulary and transcript normalization are shared with the text side of the
// project (@speechkd/text-encoders): one definition, re-exported under the trainer's names.
import { CHAR_VOCAB, CharVocab, decodeChars, encodeChars, normalizeText } from '@speechkd/text-encoders/chars';

export { CHAR_VOCAB };

/** Index of the CTC blank in CHAR_VOCAB. */
export const BLANK_ID: number = CharVocab.blank;

/** Normalizes text to the vocabulary: upper case, letters/apostrophe/space only, single spaces. */
export const normalizeTranscript: (text: string) => string = normalizeText;

/** Encodes a transcript to label ids (1..28) after normalization; never emits the blank. */
export const encodeText: (text: string) => Int32Array = encodeChars;

/** Decodes label ids back to text, skipping blanks and out-of-range ids. */
export const decodeIds: (ids: ArrayLike<number>) => string = decodeChars;
