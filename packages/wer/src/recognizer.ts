import { RecognizerOutputError, WerOptionError } from './errors.js';

/** A speech recognizer the WER app can evaluate (the student implements it). */
export interface Recognizer {
  /** Short human-readable name for reports, e.g. `student-s (int8)`. */
  readonly name: string;
  /** Transcribes mono audio at `sampleRate` Hz (samples in [-1, 1)); returns LibriSpeech-style text. */
  transcribe(samples: Float32Array, sampleRate: number): Promise<string>;
  /** Optional batched form; implementations that batch are faster on many short utterances. */
  transcribeBatch?(batch: ReadonlyArray<{ samples: Float32Array; sampleRate: number }>): Promise<string[]>;
  /** Releases model memory. */
  dispose?(): void;
}

/**
 * What `transcribeInBatches` needs of a recognizer: its batched method, or else its single-utterance one.
 * `name`, where there is one, names it in errors. Every `Recognizer` is one.
 */
export type BatchTranscribable = Partial<Pick<Recognizer, 'name'>> &
  (Pick<Recognizer, 'transcribe' | 'transcribeBatch'> | Required<Pick<Recognizer, 'transcribeBatch'>>);

/** Options of `transcribeInBatches`. */
export interface TranscribeInBatchesOptions<T> {
  /** Loads one item's audio (mono, samples in [-1, 1)); a batch's items load concurrently. */
  load: (item: T) => Promise<{ samples: Float32Array; sampleRate: number }>;
  /** Items per recognizer call (default 16). */
  batchSize?: number;
  /** Called after each batch with the items done, their total and the audio seconds loaded so far. */
  onBatch?: (done: number, total: number, audioSeconds: number) => void;
}

/** Result of `transcribeInBatches`. */
export interface TranscribeInBatchesResult {
  /** One transcript per item, in the items' order, as the recognizer returned it. */
  texts: string[];
  /** Seconds of audio loaded (sum of samples / sampleRate). */
  audioSeconds: number;
  /** Seconds spent inside the recognizer's calls (loading excluded): recognizerSeconds / audioSeconds is its RTF. */
  recognizerSeconds: number;
}

/**
 * Transcribes `items` in chunks of `batchSize` through the recognizer's batched method (or, when it has
 * none, its single-utterance method, one item after another), loading each chunk's audio with `load`.
 * Throws `RecognizerOutputError` when a batched call returns a different number of transcripts than it
 * was given utterances, and `WerOptionError` for a batch size that is not a positive integer.
 */
export async function transcribeInBatches<T>(
  recognizer: BatchTranscribable, items: readonly T[], opts: TranscribeInBatchesOptions<T>,
): Promise<TranscribeInBatchesResult> {
  const batchSize = opts.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WerOptionError(`batch size must be a positive integer (got ${batchSize})`);
  const rec = recognizer as Partial<Recognizer>;
  const texts: string[] = [];
  let audioSeconds = 0;
  let recognizerMs = 0;
  for (let k = 0; k < items.length; k += batchSize) {
    const batch = items.slice(k, k + batchSize);
    const audio = await Promise.all(batch.map((item) => opts.load(item)));
    for (const a of audio) audioSeconds += a.samples.length / a.sampleRate;
    const t0 = performance.now();
    let got: string[];
    if (rec.transcribeBatch) got = await rec.transcribeBatch(audio);
    else if (rec.transcribe) {
      got = [];
      for (const a of audio) got.push(await rec.transcribe(a.samples, a.sampleRate));
    } else throw new TypeError(`recognizer${rec.name ? ` ${rec.name}` : ''} has neither transcribeBatch nor transcribe`);
    recognizerMs += performance.now() - t0;
    if (got.length !== batch.length) throw new RecognizerOutputError(rec.name, got.length, batch.length);
    texts.push(...got);
    opts.onBatch?.(texts.length, items.length, audioSeconds);
  }
  return { texts, audioSeconds, recognizerSeconds: recognizerMs / 1000 };
}
