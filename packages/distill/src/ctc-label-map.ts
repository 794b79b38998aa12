import { CHAR_VOCAB } from '@speechkd/student-trainer';
import { DistillConfigError } from './distill-config.js';

// Spellings of the blank and the word separator in CTC vocabularies (Hugging Face wav2vec2/HuBERT use
// `<pad>` as the blank and `|` between words; others `<blank>`, `<eps>`, `_`, a space or SentencePiece's `▁`).
const BLANKS = ['<blank>', '<pad>', '<eps>', '[PAD]', '_'];
const SPACES = [' ', '|', '▁'];

/**
 * Which teacher logit column feeds each student class, for soft-target distillation between different CTC
 * vocabularies: the students' characters (blank, space, apostrophe, A-Z) looked up among the teacher's labels
 * (case-insensitive; blank and space by their usual spellings). Teacher classes no student class maps to
 * (`<s>`, `<unk>`, ...) drop out: the tempered softmax over the kept columns is the teacher's distribution
 * given that the frame is one of the students' classes. Returns null when the columns already are the
 * students' (no labels given and the same size); throws when a student class has no teacher column.
 */
export function teacherLogitColumns(teacherVocab: readonly string[] | undefined, teacherVocabSize: number | null, studentVocab: readonly string[] = CHAR_VOCAB): Int32Array | null {
  if (!teacherVocab) {
    if (teacherVocabSize !== null && teacherVocabSize !== studentVocab.length) {
      throw new DistillConfigError(
        `kdWeight > 0 but the teacher's logits have ${teacherVocabSize} classes, the student's ${studentVocab.length}, and the cache holds no teacher labels to map them (a vocab.json beside the teacher); set kdWeight=0`,
      );
    }
    return null;
  }
  const index = new Map<string, number>();
  teacherVocab.forEach((label, i) => {
    const key = label.length === 1 ? label.toUpperCase() : label;
    if (!index.has(key)) index.set(key, i);
  });
  const find = (symbol: string, i: number): number | undefined => {
    if (i === 0) return BLANKS.map((b) => index.get(b)).find((x) => x !== undefined);
    if (symbol === ' ') return SPACES.map((b) => index.get(b)).find((x) => x !== undefined);
    return index.get(symbol.toUpperCase());
  };
  const cols = new Int32Array(studentVocab.length);
  const missing: string[] = [];
  studentVocab.forEach((symbol, i) => {
    const c = find(symbol, i);
    if (c === undefined) missing.push(JSON.stringify(symbol));
    else cols[i] = c;
  });
  if (missing.length) {
    throw new DistillConfigError(`kdWeight > 0 but the teacher's CTC labels have no ${missing.join(', ')} (labels: ${teacherVocab.slice(0, 40).join(' ')}); soft targets need every student character; set kdWeight=0`);
  }
  const identity = teacherVocab.length === studentVocab.length && cols.every((c, i) => c === i);
  return identity ? null : cols;
}

/** `[frames, vocab]` logits reduced to the given columns: `[frames, columns.length]`. */
export function gatherColumns(data: Float32Array, frames: number, vocab: number, columns: Int32Array): Float32Array {
  const k = columns.length;
  const out = new Float32Array(frames * k);
  for (let f = 0; f < frames; f++) for (let j = 0; j < k; j++) out[f * k + j] = data[f * vocab + columns[j]];
  return out;
}
