import { decodeAudioFile } from '@speechkd/audio-features';
import { TeacherLoadError } from '../errors.js';

/** Decodes a WAV/FLAC file to mono and checks its rate against the teacher's (resampling when they differ). */
export async function loadAudioAt(file: string, sampleRate: number): Promise<Float32Array> {
  const audio = await decodeAudioFile(file);
  if (audio.sampleRate === sampleRate) return audio.samples;
  const af = (await import('@speechkd/audio-features')) as Record<string, unknown>;
  const resample = af.resample as ((x: Float32Array, from: number, to: number) => Float32Array) | undefined;
  if (!resample) throw new TeacherLoadError(`${file}: ${audio.sampleRate} Hz audio, the teacher needs ${sampleRate} Hz, and this build has no resampler`);
  return resample(audio.samples, audio.sampleRate, sampleRate);
}
