/** Mono audio in [-1, 1) with its sample rate in Hz. */
export interface DecodedAudio {
  /** Mono samples in [-1, 1) (multi-channel input is averaged). */
  samples: Float32Array;
  /** Sample rate in Hz. */
  sampleRate: number;
}

/** Container formats that `decodeAudio` recognizes from their magic bytes. */
export type AudioFormat = 'wav' | 'flac';
