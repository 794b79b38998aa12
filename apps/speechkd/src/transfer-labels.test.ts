import { describe, expect, it } from 'vitest';
import { RecognizerOutputError } from '@speechkd/wer';
import type { BatchTranscribable } from '@speechkd/wer';
import { labelWithTeacher } from './transfer-labels.js';

// A recognizer that "hears" the audio file name: loadAudio encodes the entry's index in the first sample.
const entries = ['HELLO WORLD', 'A B C', 'SILENCE', 'TWO  WORDS', 'LAST ONE'].map((text, i) => ({ id: `u${i}`, audio: `/a/${i}.wav`, text, duration: 1 }));
const heard = ['  HELLO   WORLD ', 'A B D', '', 'TWO WORDS', ' '];
const loadAudio = async (file: string, rate: number) => Float32Array.of(Number(/(\d+)\.wav$/.exec(file)![1]), rate);

function recognizer(calls: number[][]): BatchTranscribable {
  return {
    transcribeBatch: async (batch) => {
      calls.push(batch.map((b) => b.samples[0]));
      for (const b of batch) expect(b.sampleRate).toBe(16000);
      return batch.map((b) => heard[b.samples[0]]);
    },
  };
}

describe('labelWithTeacher', () => {
  it('replaces transcripts by the teacher\'s, drops the empty ones and scores the labels against the true ones', async () => {
    const calls: number[][] = [];
    const progress: number[] = [];
    const r = await labelWithTeacher(entries, recognizer(calls), { loadAudio, chunk: 2, onProgress: (done, total) => progress.push(done, total) });
    expect(calls).toEqual([[0, 1], [2, 3], [4]]);
    expect(progress).toEqual([2, 5, 4, 5, 5, 5]);
    expect(r.labelled).toEqual([
      { id: 'u0', audio: '/a/0.wav', text: 'HELLO WORLD', duration: 1 },
      { id: 'u1', audio: '/a/1.wav', text: 'A B D', duration: 1 },
      { id: 'u3', audio: '/a/3.wav', text: 'TWO WORDS', duration: 1 },
    ]);
    expect(r.dropped).toBe(2);
    // References (true transcripts) have 2 + 3 + 1 + 2 + 2 = 10 words; errors: 1 substitution + 1 + 2 deletions
    // (the entries transcribed as nothing) = 4. 'TWO  WORDS' has a double space, which scoring ignores.
    expect(r.labelWer).toBeCloseTo(4 / 10, 12);
    expect(r.labelCer).toBeGreaterThan(0);
    expect(entries[0].text).toBe('HELLO WORLD'); // inputs untouched
  });

  it('an empty set has no label quality', async () => {
    const r = await labelWithTeacher([], recognizer([]), { loadAudio });
    expect(r).toEqual({ labelled: [], dropped: 0, labelWer: null, labelCer: null });
  });

  it('a recognizer that loses utterances is an error', async () => {
    const bad: BatchTranscribable = { transcribeBatch: async () => ['ONE'] };
    const err = labelWithTeacher(entries.slice(0, 2), bad, { loadAudio });
    await expect(err).rejects.toThrow(RecognizerOutputError);
    await expect(err).rejects.toThrow('the recognizer returned 1 transcripts for 2 utterances');
  });
});
