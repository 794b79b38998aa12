import { decodeAudioFile, resample } from '@speechkd/audio-features';

/** Decodes a WAV/FLAC file to mono at `sampleRate` Hz (resampling when the file has another rate). */
export async function loadAudioAt(file: string, sampleRate: number): Promise<Float32Array> {
  const audio = await decodeAudioFile(file);
  return audio.sampleRate === sampleRate ? audio.samples : resample(audio.samples, audio.sampleRate, sampleRate);
}
