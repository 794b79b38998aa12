// Lightweight entry `@speechkd/text-encoders/chars`: normalization and the CTC character vocabulary
// only, so speech packages can share them without loading the tokenizer or ONNX Runtime.
export { normalizeText } from './normalize.js';
export { CHAR_VOCAB, CharVocab, encodeChars, decodeChars } from './char-vocab.js';
