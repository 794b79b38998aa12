import { AudioDecodeError } from './errors.js';

/** What a header may declare before any decoding or allocation that depends on it. */
export interface AudioLimits {
  /** Lowest accepted sample rate in Hz (default 1000). */
  minSampleRate: number;
  /** Highest accepted sample rate in Hz (default 384000). */
  maxSampleRate: number;
  /** Longest accepted audio in seconds (default 7200: two hours; speech corpora cut far shorter utterances). */
  maxDurationSeconds: number;
}

/** The default limits: 1 kHz to 384 kHz, at most two hours. */
export const AUDIO_LIMITS: Readonly<AudioLimits> = { minSampleRate: 1000, maxSampleRate: 384000, maxDurationSeconds: 7200 };

/**
 * Checks what a header declares: a sample rate outside `limits` (a 1 Hz header upsampled to 16 kHz
 * would allocate 16000 samples per byte) or a duration beyond the limit throws `AudioDecodeError`
 * naming the file. `numSamples` is per channel; pass undefined when the header does not say.
 */
export function checkAudioHeader(source: string, sampleRate: number, numSamples: number | undefined, limits: Partial<AudioLimits> = {}): void {
  const l = { ...AUDIO_LIMITS, ...limits };
  if (!(sampleRate >= l.minSampleRate && sampleRate <= l.maxSampleRate)) {
    throw new AudioDecodeError(source, `header declares a sample rate of ${sampleRate} Hz, outside ${l.minSampleRate}-${l.maxSampleRate} Hz: a corrupt or mislabelled header`);
  }
  if (numSamples !== undefined && numSamples / sampleRate > l.maxDurationSeconds) {
    const hours = (s: number): string => `${(s / 3600).toFixed(2)} h`;
    throw new AudioDecodeError(source, `header declares ${hours(numSamples / sampleRate)} of audio, more than the ${hours(l.maxDurationSeconds)} limit; split the file, or raise maxDurationSeconds`);
  }
}
