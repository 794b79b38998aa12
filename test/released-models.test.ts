import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELEASED, readRelease, releasedModelDir } from '@speechkd/models';
import { loadAudioAt } from '@speechkd/teachers';
import { scoreCorpus } from '@speechkd/wer';
import { initBackend } from '@speechkd/tensor-backend';
import { openBundle, textTowerCheck } from '@speechkd/app';

// The teachers shipped in models/: every file matches its fingerprint, and the released weights reproduce what
// their release recorded (the speech teacher's transcripts and WER on held-out dev utterances, the text tower's
// top-layer states on held-out sentences).
describe('released models', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: null }); // as `speechkd release` ran
  });

  it('the speech teacher: fingerprints match; its check utterances decode to the recorded transcripts and WER', async () => {
    const dir = releasedModelDir(RELEASED.speechTeacher);
    const info = readRelease(dir, true);
    expect(info, `${dir}/release.json`).not.toBeNull();
    expect(info!.kind).toBe('speech-teacher');
    const check = info!.check as { wer: number; cer: number; utterances: Array<{ id: string; audio: string; text: string; hypothesis: string }> };
    expect(check.utterances.length).toBeGreaterThanOrEqual(5);
    const recognizer = await openBundle(dir, 'onnx');
    try {
      const hyps = new Map<string, string>();
      for (const u of check.utterances) hyps.set(u.id, await recognizer.transcribe(await loadAudioAt(path.join(dir, u.audio), 16000), 16000));
      expect(Object.fromEntries(hyps)).toEqual(Object.fromEntries(check.utterances.map((u) => [u.id, u.hypothesis])));
      const score = scoreCorpus(new Map(check.utterances.map((u) => [u.id, u.text])), hyps);
      expect(score.summary.wer).toBeCloseTo(check.wer, 10);
      expect(score.summary.cer).toBeCloseTo(check.cer, 10);
    } finally {
      await recognizer.dispose?.();
    }
  }, 120_000);

  it('the text tower: fingerprints match; its top-layer states on the check sentences are the recorded ones', async () => {
    const dir = releasedModelDir(RELEASED.textTower);
    const info = readRelease(dir, true);
    expect(info, `${dir}/release.json`).not.toBeNull();
    expect(info!.kind).toBe('text-tower');
    const check = info!.check as { sentences: Array<{ text: string; tokens: number; mean: number; rms: number }>; tolerance: number };
    const now = await textTowerCheck(dir, check.sentences.map((s) => s.text));
    now.forEach((s, i) => {
      expect(s.tokens).toBe(check.sentences[i].tokens);
      expect(Math.abs(s.mean - check.sentences[i].mean)).toBeLessThan(check.tolerance);
      expect(Math.abs(s.rms - check.sentences[i].rms) / check.sentences[i].rms).toBeLessThan(check.tolerance);
    });
  }, 120_000);

  it('the whole release stays well under 20 MB', () => {
    const bytes = Object.values(RELEASED).flatMap((name) => readRelease(releasedModelDir(name))!.files.map((f) => f.bytes));
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(15 * 2 ** 20);
  });
});
