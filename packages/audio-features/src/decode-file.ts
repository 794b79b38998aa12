// Node-only: reads a file, then decodes it with the portable `decodeAudio`.
import { readFile } from 'node:fs/promises';
import type { AudioLimits } from './audio-limits.js';
import type { DecodedAudio } from './decoded-audio.js';
import { decodeAudio } from './decode.js';
import { AudioDecodeError } from './errors.js';

/** Reads and decodes a WAV or FLAC file to mono samples in [-1, 1); errors name the path. See `decodeAudio` for `limits`. */
export async function decodeAudioFile(path: string, limits: Partial<AudioLimits> = {}): Promise<DecodedAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AudioDecodeError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeAudio(bytes, path, limits);
}
