import wavefile from 'wavefile';
import { EngineError } from './errors.js';
import type { EngineAudio } from './engines/types.js';

const { WaveFile } = wavefile;

/** Decodes an engine's PCM WAV bytes into float samples (first channel). `what` names the source in errors. */
export function decodeEngineWav(bytes: Uint8Array, what: string): EngineAudio {
  try {
    const wav = new WaveFile(bytes);
    const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
    const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    const channel = Array.isArray(raw) ? raw[0] : raw;
    const scale = 2 ** (fmt.bitsPerSample - 1);
    const samples = new Float32Array(channel.length);
    for (let i = 0; i < channel.length; i++) samples[i] = channel[i] / scale;
    return { samples, sampleRate: fmt.sampleRate };
  } catch (err) {
    throw new EngineError(`${what}: engine produced an unreadable WAV file (${(err as Error).message})`);
  }
}

/** Converts float samples in [-1, 1] to 16-bit PCM with rounding and clipping. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Encodes 16-bit mono PCM as a canonical WAV file. */
export function encodeWav16(pcm: Int16Array, sampleRate: number): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}
