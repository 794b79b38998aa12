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
