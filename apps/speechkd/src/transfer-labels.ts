import { FEATURE_SAMPLE_RATE } from '@speechkd/recognizer';
import { computeErrorRates, transcribeInBatches } from '@speechkd/wer';
import type { BatchTranscribable } from '@speechkd/wer';

/** Options of `labelWithTeacher`. */
export interface LabelOptions {
  /** Reads an audio file as mono samples at the given rate. */
  loadAudio: (file: string, sampleRate: number) => Promise<Float32Array>;
  /** Utterances per recognizer call (default 16). */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The teacher-labelled transfer set and how good its labels are. */
export interface LabelResult<T> {
  /** The entries with `text` replaced by the teacher's transcript; those it transcribed as nothing are dropped. */
  labelled: T[];
  dropped: number;
  /** WER/CER of the teacher's transcripts against the entries' own transcripts (null for no entries). */
  labelWer: number | null;
  labelCer: number | null;
}

/**
 * Replaces each entry's transcript by the recognizer's (whitespace collapsed): sequence-level distillation
 * targets for utterances the student has no labels for. An empty transcript would train the student to
 * emit only blanks on speech, so such entries are dropped.
 */
export async function labelWithTeacher<T extends { audio: string; text: string }>(entries: readonly T[], recognizer: BatchTranscribable, opts: LabelOptions): Promise<LabelResult<T>> {
  const { texts } = await transcribeInBatches(recognizer, entries, {
    load: async (e) => ({ samples: await opts.loadAudio(e.audio, FEATURE_SAMPLE_RATE), sampleRate: FEATURE_SAMPLE_RATE }),
    batchSize: opts.chunk ?? 16,
    onBatch: (done, total) => opts.onProgress?.(done, total),
  });
  const hyps = texts.map((h) => h.trim().replace(/\s+/g, ' '));
  const labelled = entries.map((e, i) => ({ ...e, text: hyps[i] })).filter((e) => e.text !== '');
  const quality = entries.length > 0 ? computeErrorRates(entries.map((e) => e.text), hyps) : null;
  return { labelled, dropped: entries.length - labelled.length, labelWer: quality?.wer ?? null, labelCer: quality?.cer ?? null };
}
