import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioInfo } from '@speechkd/audio-features';
import { buildManifest, readLibriSpeechSubset, readManifest } from '@speechkd/librispeech';
import { OutputPathError } from '@speechkd/safe-io';
import { synthesizeCorpus } from './corpus.js';
import type { SynthResult } from './corpus.js';
import { ConfigMismatchError, UnknownPresetError } from './errors.js';
import { inProcessExecutor } from './executor.js';
import type { Executor } from './executor.js';
import type { PresetConfig } from './presets.js';

/** 6 utterances: 2 train speakers (one espeak-ng, one flite) x 2, 1 dev and 1 test speaker x 1. */
const MICRO: PresetConfig = {
  name: 'micro',
  speakers: { train: 2, dev: 1, test: 1 },
  uttsPerSpeaker: { train: 2, dev: 1, test: 1 },
  chaptersPerSpeaker: 1,
  fliteShare: 0.25,
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-synth-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function wavFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.wav')).sort();
}

describe('synthesizeCorpus', () => {
  let first: SynthResult;
  beforeAll(async () => {
    first = await synthesizeCorpus({ preset: MICRO, out: path.join(tmp, 'a'), seed: 3, workers: 0 });
  });

  it('writes the LibriSpeech layout: audio, trans.txt, SPEAKERS.TXT, manifests', async () => {
    expect(first.failures).toEqual([]);
    expect(first.synthesized).toBe(6);
    expect(first.utterances).toEqual({ train: 4, dev: 1, test: 1 });
    const root = first.root;
    const files = wavFiles(root);
    expect(files).toHaveLength(6);
    for (const f of files) expect(f).toMatch(/^(train|dev|test)\/(\d+)\/(\d+)\/\2-\3-\d{4}\.wav$/);
    const trans = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.trans.txt'));
    expect(trans).toHaveLength(4); // one chapter per speaker
    for (const t of trans) {
      const [, spk, chapter] = t.match(/^\w+\/(\d+)\/(\d+)\//) ?? [];
      for (const line of fs.readFileSync(path.join(root, t), 'utf8').trimEnd().split('\n')) {
        expect(line).toMatch(new RegExp(`^${spk}-${chapter}-\\d{4} [A-Z']+( [A-Z']+)+$`));
        expect(fs.existsSync(path.join(root, path.dirname(t), `${line.split(' ')[0]}.wav`))).toBe(true);
      }
    }
    for (const subset of ['train', 'dev', 'test'] as const) {
      const entries = readManifest(first.manifests[subset]);
      expect(entries).toHaveLength(first.utterances[subset]);
      for (const e of entries) {
        const info = await readAudioInfo(e.audio);
        expect(info.sampleRate).toBe(16000);
        expect(info.channels).toBe(1);
        expect(info.duration).toBeCloseTo(e.duration, 6);
        expect(e.duration).toBeGreaterThan(0.5);
      }
    }
    const speakers = fs.readFileSync(first.speakersFile, 'utf8').split('\n').filter((l) => /^\d/.test(l));
    expect(speakers).toHaveLength(4);
    expect(speakers.join('\n')).toMatch(/flite/);
    expect(speakers.join('\n')).toMatch(/espeak-ng/);
  });

  it('reads back with the LibriSpeech reader and manifest builder of @speechkd/librispeech', async () => {
    for (const subset of ['train', 'dev', 'test'] as const) {
      const contents = readLibriSpeechSubset(first.root, subset, { onProblem: 'error' });
      const ours = readManifest(first.manifests[subset]);
      expect(contents.utterances.map((u) => [u.id, u.text, u.audio])).toEqual(ours.map((e) => [e.id, e.text, e.audio]));
      const built = await buildManifest(first.root, subset);
      expect(built.entries.map((e) => e.duration)).toEqual(ours.map((e) => e.duration));
    }
  });

  it('is deterministic: worker processes reproduce the same bytes', async () => {
    const again = await synthesizeCorpus({ preset: MICRO, out: path.join(tmp, 'b'), seed: 3, workers: 2 });
    expect(again.synthesized).toBe(6);
    for (const f of wavFiles(first.root)) {
      expect(fs.readFileSync(path.join(again.root, f)).equals(fs.readFileSync(path.join(first.root, f)))).toBe(true);
    }
    expect(fs.readFileSync(again.manifests.train, 'utf8')).toBe(fs.readFileSync(first.manifests.train, 'utf8'));
  });

  it('resumes: keeps finished files, removes stale temp files, renders only what is missing', async () => {
    const files = wavFiles(first.root);
    const reference = new Map(files.map((f) => [f, fs.readFileSync(path.join(first.root, f))]));
    const mtimes = new Map(files.map((f) => [f, fs.statSync(path.join(first.root, f)).mtimeMs]));
    const gone = [files[0], files[3]];
    for (const f of gone) fs.rmSync(path.join(first.root, f));
    const stale = path.join(first.root, `${files[0]}.tmp-12345-1`);
    fs.writeFileSync(stale, 'partial');
    fs.rmSync(first.manifests.dev);

    const resumed = await synthesizeCorpus({ preset: MICRO, out: path.join(tmp, 'a'), seed: 3, workers: 0 });
    expect(resumed.synthesized).toBe(2);
    expect(resumed.skipped).toBe(4);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(first.manifests.dev)).toBe(true);
    for (const f of files) {
      expect(fs.readFileSync(path.join(first.root, f)).equals(reference.get(f)!)).toBe(true);
      if (!gone.includes(f)) expect(fs.statSync(path.join(first.root, f)).mtimeMs).toBe(mtimes.get(f));
    }
  });

  it('stops on abort without writing manifests, and a rerun completes', async () => {
    const abort = new AbortController();
    const out = path.join(tmp, 'c');
    const stopped = await synthesizeCorpus({
      preset: MICRO, out, seed: 3, workers: 0, limit: 3, signal: abort.signal,
      onProgress: (p) => { if (p.done === 1) abort.abort(); },
    });
    expect(stopped.aborted).toBe(true);
    expect(stopped.synthesized).toBe(1);
    expect(fs.existsSync(stopped.manifests.train)).toBe(false);
    const finished = await synthesizeCorpus({ preset: MICRO, out, seed: 3, workers: 0, limit: 3 });
    expect(finished).toMatchObject({ aborted: false, synthesized: 2, skipped: 1 });
    expect(readManifest(finished.manifests.train)).toHaveLength(3);
  });

  it('skips and counts engine failures instead of aborting', async () => {
    const real = inProcessExecutor();
    const flaky: Executor = {
      concurrency: 1,
      close: async () => {},
      run: (utt, file) => (utt.id.endsWith('-0001') ? Promise.reject(new Error('engine exploded')) : real.run(utt, file)),
    };
    const r = await synthesizeCorpus({ preset: MICRO, out: path.join(tmp, 'd'), seed: 3, limit: 4, executor: flaky });
    expect(r.failures).toHaveLength(2);
    expect(r.failures[0].error).toBe('engine exploded');
    expect(r.synthesized).toBe(2);
    const manifest = readManifest(r.manifests.train);
    expect(manifest.map((e) => e.id).some((id) => id.endsWith('-0001'))).toBe(false);
    expect(fs.readFileSync(path.join(r.root, 'failures.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('throws typed errors for an unknown preset, an unwritable output and changed settings', async () => {
    await expect(synthesizeCorpus({ preset: 'huge', out: path.join(tmp, 'e') })).rejects.toThrow(UnknownPresetError);
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    await expect(synthesizeCorpus({ preset: MICRO, out: file })).rejects.toThrow(OutputPathError);
    await expect(synthesizeCorpus({ preset: MICRO, out: path.join(tmp, 'a'), seed: 4 })).rejects.toThrow(ConfigMismatchError);
    await expect(synthesizeCorpus({ preset: { ...MICRO, firstSpeakerId: 0 }, out: path.join(tmp, 'f') })).rejects.toThrow(/preset micro: firstSpeakerId must be a positive integer, got 0/);
  });
});
