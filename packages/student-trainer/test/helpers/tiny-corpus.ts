import fs from 'node:fs';
import path from 'node:path';
import { writeManifest } from '@speechkd/librispeech';
import type { ManifestEntry } from '@speechkd/librispeech';
import { Rng } from '@speechkd/random';

/** Writes a 16-bit PCM mono WAV. */
function writeWav(file: string, samples: Float32Array, rate: number): void {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + 2 * i);
  fs.writeFileSync(file, buf);
}

const WORDS = ['AB', 'BA', 'CAB', 'ABC'];

/**
 * A tiny "corpus" for tests: each word is a sequence of tones (A=300 Hz, B=600 Hz, C=900 Hz, 0.12 s each,
 * short silences between words), so a model can actually learn it. Returns the manifest path.
 */
export function makeTinyCorpus(dir: string, count: number, seed: number, name = 'train'): string {
  const rng = new Rng(seed);
  const rate = 16000;
  const freq: Record<string, number> = { A: 300, B: 600, C: 900 };
  const entries: ManifestEntry[] = [];
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  for (let u = 0; u < count; u++) {
    const words = Array.from({ length: 1 + rng.int(2) }, () => WORDS[rng.int(WORDS.length)]);
    const chunks: number[] = [];
    const silence = (sec: number): void => {
      for (let i = 0; i < sec * rate; i++) chunks.push(0.001 * rng.normal());
    };
    silence(0.1);
    for (const w of words) {
      for (const ch of w) for (let i = 0; i < 0.12 * rate; i++) chunks.push(0.3 * Math.sin((2 * Math.PI * freq[ch] * i) / rate) + 0.001 * rng.normal());
      silence(0.1);
    }
    const id = `${name}-${u}`;
    const file = path.join(dir, name, `${id}.wav`);
    writeWav(file, Float32Array.from(chunks), rate);
    entries.push({ id, audio: file, duration: chunks.length / rate, speaker: '1', chapter: '1', text: words.join(' ') });
  }
  const manifest = path.join(dir, `${name}.jsonl`);
  writeManifest(manifest, entries);
  return manifest;
}
