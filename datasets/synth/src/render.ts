import { writeFileAtomic } from '@speechkd/safe-io';
import { applyAugment } from './augment.js';
import { synthesize } from './engines/index.js';
import type { PlannedUtterance } from './plan.js';
import { resampleTo } from './resample.js';
import { encodeWav16, floatToInt16 } from './wav.js';

/** Output sample rate of the corpus in Hz. */
export const SAMPLE_RATE = 16000;

/** Audio of one rendered utterance. */
export interface RenderedUtterance {
  /** 16-bit mono PCM at SAMPLE_RATE. */
  pcm: Int16Array;
  /** Duration in seconds. */
  duration: number;
}

/** Synthesizes, warps, resamples to 16 kHz and augments one planned utterance (no file I/O). */
export async function renderUtterance(utt: PlannedUtterance): Promise<RenderedUtterance> {
  const audio = await synthesize(utt.voice, utt.text.toLowerCase());
  // Declaring the audio to be at rate*warp before resampling shifts pitch and formants by `warp`.
  // Rounded to 50 Hz so the rational ratio to 16 kHz stays small (a short polyphase table).
  const declared = utt.voice.warp === 1 ? audio.sampleRate : Math.round((audio.sampleRate * utt.voice.warp) / 50) * 50;
  let samples = resampleTo(audio.samples, declared, SAMPLE_RATE);
  if (utt.augment) samples = applyAugment(samples, utt.augment);
  const pcm = floatToInt16(samples);
  return { pcm, duration: pcm.length / SAMPLE_RATE };
}

/** Renders one utterance and writes it as a 16 kHz 16-bit mono WAV file atomically; returns its duration. */
export async function renderToFile(utt: PlannedUtterance, file: string): Promise<number> {
  const { pcm, duration } = await renderUtterance(utt);
  writeFileAtomic(file, encodeWav16(pcm, SAMPLE_RATE));
  return duration;
}
