/** What a speech teacher returns for one utterance. Every array is row-major. */
export interface SpeechTeacherOutput {
  /**
   * Hidden states, index 0 = encoder input (after feature projection / embedding), index L = output
   * of layer L; each `[numFrames, dim]`. With `layers` requested, only those indices are filled, the
   * others are `undefined`.
   */
  hiddenStates: Array<Float32Array | undefined>;
  /** CTC logits `[numFrames, vocabSize]` when the model has a head. */
  logits?: Float32Array;
  numFrames: number;
  /** Frames per second of `hiddenStates` and `logits`. */
  frameRate: number;
  dim: number;
  /** Number of Transformer layers; `hiddenStates.length === numLayers + 1`. */
  numLayers: number;
  vocabSize?: number;
}

/** Options of one extraction. */
export interface SpeechExtractOptions {
  /** Hidden-state indices to return (default: all). Teachers may skip work for the others. */
  layers?: readonly number[];
  /** Whether to return logits when available (default true). */
  logits?: boolean;
}

/** A frozen speech encoder that maps 16 kHz mono audio to per-layer frame features. */
export interface SpeechTeacher {
  /** Human-readable name, e.g. `onnx:wav2vec2(/models/w2v)` or `teacher-m(runs/t1)`. */
  readonly name: string;
  /** sha1 of the weights bytes and the config that changes outputs; equal fingerprints give equal outputs. */
  readonly fingerprint: string;
  /** Input sample rate in Hz (16000). */
  readonly sampleRate: number;
  /** Output frames per second. */
  readonly frameRate: number;
  readonly dim: number;
  readonly numLayers: number;
  /** CTC vocabulary size, or null without a CTC head. */
  readonly vocabSize: number | null;
  /** CTC labels by class index (e.g. from a Hugging Face `vocab.json`); absent when they are the students' character vocabulary. */
  readonly vocab?: readonly string[];
  /** Runs the teacher on mono `samples` at `sampleRate` Hz (values in [-1, 1]). */
  extract(samples: Float32Array, options?: SpeechExtractOptions): Promise<SpeechTeacherOutput>;
  /** Frees the model. */
  dispose(): Promise<void>;
}

/** What the cache needs from a text teacher for one transcript (one sequence, no padding). */
export interface CacheTextOutput {
  /** Token ids `[tokens]` including special tokens such as [CLS]/[SEP]. */
  ids: Int32Array;
  /** Hidden states as in `SpeechTeacherOutput` (0 = embeddings), each `[tokens, dim]`. */
  hiddenStates: Array<Float32Array | undefined>;
}

/** The text-tower view the cache builder uses; `textTeacherForCache` adapts a `TextTeacher` to it. */
export interface CacheTextTeacher {
  readonly name: string;
  readonly fingerprint: string;
  readonly dim: number;
  readonly numLayers: number;
  /** Encodes a batch of transcripts. */
  encode(texts: readonly string[], layers?: readonly number[]): Promise<CacheTextOutput[]>;
  dispose(): Promise<void>;
}
