// Deterministic stand-in teachers for cache tests: outputs are pure functions of the input, so a
// rebuilt cache must reproduce the same bytes, and call counts show what was recomputed.
import { createHash } from 'node:crypto';
import { mulberry32 } from '@speechkd/onnx-graph';
import type { CacheTextOutput, CacheTextTeacher, SpeechExtractOptions, SpeechTeacher, SpeechTeacherOutput } from '../src/index.js';

const seedOf = (s: string): number => createHash('sha1').update(s).digest().readUInt32BE(0);

/** Audio of 0.3-1.0 s whose content depends on the file name only. */
export async function fakeLoadAudio(file: string, sampleRate: number): Promise<Float32Array> {
  const rnd = mulberry32(seedOf(file));
  const n = Math.round(sampleRate * (0.3 + 0.7 * rnd()));
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rnd() * 2 - 1;
  return x;
}

/** A speech "teacher" with 50 frames/s whose outputs mix the audio; `failAt` throws on that call (0-based). */
export class FakeSpeechTeacher implements SpeechTeacher {
  readonly name = 'fake-speech';
  readonly sampleRate = 16000;
  readonly frameRate = 50;
  readonly vocabSize = 5;
  calls = 0;
  constructor(readonly dim = 6, readonly numLayers = 3, readonly fingerprint = 'fake-speech-v1', private readonly failAt = -1) {}

  async extract(samples: Float32Array, opts: SpeechExtractOptions = {}): Promise<SpeechTeacherOutput> {
    if (this.calls++ === this.failAt) throw new Error(`simulated crash on call ${this.failAt}`);
    const numFrames = Math.floor(samples.length / 320);
    const hiddenStates: Array<Float32Array | undefined> = [];
    for (let l = 0; l <= this.numLayers; l++) {
      if (opts.layers && !opts.layers.includes(l)) {
        hiddenStates.push(undefined);
        continue;
      }
      const h = new Float32Array(numFrames * this.dim);
      // Magnitudes from 1e-3 to 1e3 exercise float16 precision over its range.
      for (let f = 0; f < numFrames; f++) for (let d = 0; d < this.dim; d++) h[f * this.dim + d] = samples[f * 320 + d] * 10 ** (d - 3) * (l + 1);
      hiddenStates.push(h);
    }
    const logits = new Float32Array(numFrames * this.vocabSize).map((_, i) => samples[i] * 5);
    return { hiddenStates, logits, numFrames, frameRate: 50, dim: this.dim, numLayers: this.numLayers, vocabSize: this.vocabSize };
  }

  async dispose(): Promise<void> {}
}

/** A text "teacher": one token per character plus CLS/SEP, hidden values from the char codes. */
export class FakeTextTeacher implements CacheTextTeacher {
  readonly name = 'fake-text';
  readonly fingerprint = 'fake-text-v1';
  calls = 0;
  constructor(readonly dim = 4, readonly numLayers = 2) {}

  async encode(texts: readonly string[]): Promise<CacheTextOutput[]> {
    this.calls++;
    return texts.map((t) => {
      const ids = Int32Array.from([101, ...[...t].map((c) => c.charCodeAt(0)), 102]);
      const hiddenStates = Array.from({ length: this.numLayers + 1 }, (_, l) =>
        Float32Array.from({ length: ids.length * this.dim }, (_, i) => Math.sin(ids[Math.floor(i / this.dim)] * 0.1 + i + l)),
      );
      return { ids, hiddenStates };
    });
  }

  async dispose(): Promise<void> {}
}

/** A manifest-like list of `n` utterances with fake audio paths. */
export function fakeEntries(n: number): Array<{ id: string; audio: string; text: string }> {
  return Array.from({ length: n }, (_, i) => ({ id: `spk-${100 + (i % 3)}-${String(i).padStart(4, '0')}`, audio: `/fake/${i}.wav`, text: `HELLO ${i}` }));
}
