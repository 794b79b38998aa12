import type { AudioLimits } from './audio-limits.js';
import type { AudioFormat, DecodedAudio } from './decoded-audio.js';
import { AudioDecodeError } from './errors.js';
import { decodeFlac } from './flac.js';
import { id3v2Length } from './flac-header.js';
import { decodeWav } from './wav.js';

/** Recognizes WAV (RIFF/RIFX/RF64 … WAVE) and FLAC ("fLaC", optionally after an ID3v2 tag) by magic bytes. */
export function sniffAudioFormat(bytes: Uint8Array): { format: AudioFormat; offset: number } | undefined {
  const tag = (o: number): string => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length >= 12 && ['RIFF', 'RIFX', 'RF64'].includes(tag(0)) && tag(8) === 'WAVE') return { format: 'wav', offset: 0 };
  const off = id3v2Length(bytes);
  if (bytes.length >= off + 4 && tag(off) === 'fLaC') return { format: 'flac', offset: off };
  return undefined;
}

/**
 * Decodes WAV or FLAC bytes (format sniffed from the content, not a file name) to mono samples in
 * [-1, 1) at the file's sample rate. `source` names the audio in error messages. The header's sample
 * rate and duration are checked against `limits` (default `AUDIO_LIMITS`) before decoding.
 */
export async function decodeAudio(bytes: Uint8Array, source = '<buffer>', limits: Partial<AudioLimits> = {}): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new AudioDecodeError(source, 'empty input (zero bytes)');
  const sniffed = sniffAudioFormat(bytes);
  if (!sniffed) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new AudioDecodeError(source, `unrecognized audio format (first bytes ${head}); expected WAV (RIFF…WAVE) or FLAC (fLaC)`);
  }
  return sniffed.format === 'wav' ? decodeWav(bytes, source, limits) : decodeFlac(bytes, source, sniffed.offset, limits);
}
