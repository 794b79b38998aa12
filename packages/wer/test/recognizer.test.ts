import { describe, expect, it } from 'vitest';
import { RecognizerOutputError, WerError, WerOptionError, transcribeInBatches } from '../src/index.js';
import type { Recognizer } from '../src/index.js';

// Item k "sounds like" word k: its audio is k + 1 samples at 10 Hz, so it lasts (k + 1) / 10 s.
const words = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX'];
const load = async (k: number) => ({ samples: new Float32Array(k + 1), sampleRate: 10 });
const hear = (samples: Float32Array) => words[samples.length - 1];

/** A batched recognizer that records the items of each call. */
function batched(calls: number[][]): Required<Pick<Recognizer, 'transcribeBatch'>> {
  return {
    transcribeBatch: async (batch) => {
      calls.push(batch.map((b) => b.samples.length - 1));
      return batch.map((b) => hear(b.samples));
    },
  };
}

describe('transcribeInBatches', () => {
  it('calls the recognizer in chunks of batchSize, in order, and returns one transcript per item in order', async () => {
    const calls: number[][] = [];
    const items = [0, 1, 2, 3, 4, 5, 6];
    const r = await transcribeInBatches(batched(calls), items, { load, batchSize: 3 });
    expect(calls).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(r.texts).toEqual(words);
    expect(r.audioSeconds).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 6 + 7) / 10, 12);
    expect(r.recognizerSeconds).toBeGreaterThanOrEqual(0);
  });

  it('defaults to batches of 16', async () => {
    const calls: number[][] = [];
    const items = Array.from({ length: 20 }, (_, k) => k % 7);
    await transcribeInBatches(batched(calls), items, { load });
    expect(calls.map((c) => c.length)).toEqual([16, 4]);
  });

  it('reports progress after each batch: items done, total and audio seconds so far', async () => {
    const progress: number[][] = [];
    await transcribeInBatches(batched([]), [0, 1, 2, 3, 4], { load, batchSize: 2, onBatch: (done, total, sec) => progress.push([done, total, sec]) });
    expect(progress.map(([d, t]) => [d, t])).toEqual([[2, 5], [4, 5], [5, 5]]);
    expect(progress.map(([, , s]) => s)).toEqual([0.1 + 0.2, 0.1 + 0.2 + 0.3 + 0.4, 0.1 + 0.2 + 0.3 + 0.4 + 0.5].map((s) => expect.closeTo(s, 12)));
  });

  it('no items: no recognizer call, no progress, nothing transcribed', async () => {
    const calls: number[][] = [];
    let progressCalls = 0;
    const r = await transcribeInBatches(batched(calls), [], { load, onBatch: () => progressCalls++ });
    expect(r).toEqual({ texts: [], audioSeconds: 0, recognizerSeconds: 0 });
    expect(calls).toEqual([]);
    expect(progressCalls).toBe(0);
  });

  it('falls back to transcribe(), one utterance at a time, when the recognizer has no transcribeBatch', async () => {
    const seen: number[] = [];
    const rec: Recognizer = {
      name: 'single',
      transcribe: async (samples, sampleRate) => {
        expect(sampleRate).toBe(10);
        seen.push(samples.length - 1);
        return hear(samples);
      },
    };
    const r = await transcribeInBatches(rec, [2, 0, 1], { load, batchSize: 2 });
    expect(seen).toEqual([2, 0, 1]);
    expect(r.texts).toEqual(['TWO', 'ZERO', 'ONE']);
  });

  it('prefers transcribeBatch when the recognizer has both', async () => {
    const calls: number[][] = [];
    const rec: Recognizer = { ...batched(calls), name: 'both', transcribe: async () => { throw new Error('not this one'); } };
    expect((await transcribeInBatches(rec, [1, 2], { load })).texts).toEqual(['ONE', 'TWO']);
    expect(calls).toEqual([[1, 2]]);
  });

  it('a recognizer returning a different number of transcripts than utterances is a RecognizerOutputError naming it and both counts', async () => {
    const rec: Recognizer = { name: 'lossy-rec', transcribe: async () => '', transcribeBatch: async (batch) => batch.slice(1).map(() => 'X') };
    const err = await transcribeInBatches(rec, [0, 1, 2, 3, 4], { load, batchSize: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecognizerOutputError);
    expect(err).toBeInstanceOf(WerError);
    expect((err as RecognizerOutputError).message).toBe('recognizer lossy-rec returned 2 transcripts for 3 utterances');
    expect(err).toMatchObject({ name: 'RecognizerOutputError', recognizer: 'lossy-rec', got: 2, expected: 3 });

    const extra = { transcribeBatch: async (batch: ReadonlyArray<unknown>) => [...batch.map(() => 'X'), 'Y'] };
    await expect(transcribeInBatches(extra, [0], { load })).rejects.toThrow(new RecognizerOutputError(undefined, 2, 1));
    await expect(transcribeInBatches(extra, [0], { load })).rejects.toThrow('the recognizer returned 2 transcripts for 1 utterances');
  });

  it('rejects a batch size that is not a positive integer', async () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      await expect(transcribeInBatches(batched([]), [0], { load, batchSize })).rejects.toThrow(WerOptionError);
    }
  });
});
