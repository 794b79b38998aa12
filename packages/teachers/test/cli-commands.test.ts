import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LIBRISPEECH_SAMPLE_ROOT, compiledCli, hfExportDir } from '@speechkd/fixtures';
import { startHubMirror } from '@speechkd/onnx-graph/hub';
import { writeManifest } from '@speechkd/librispeech';
import { buildTinyBert, buildTinyWav2vec2 } from '@speechkd/onnx-graph';
import { createStudent, saveModel } from '@speechkd/student-trainer';
import { initBackend } from '@speechkd/tensor-backend';
import { BERT_BASE_UNCASED_DIR } from '@speechkd/text-encoders';
import { TeachersArgumentError, openTeacherCache } from '../src/index.js';
import { runBuild, runIndex, runInfo, runVerify } from '../src/cli/commands.js';
import type { BuildFlags } from '../src/cli/commands.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-cli-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function fixtureManifest(): string {
  const dir = path.join(LIBRISPEECH_SAMPLE_ROOT, 'test-clean', '1089', '134686');
  const trans = fs.readFileSync(path.join(dir, '1089-134686.trans.txt'), 'utf8').trim().split('\n');
  const entries = trans.slice(0, 3).map((line) => {
    const [id, ...words] = line.split(' ');
    return { id, audio: path.join(dir, `${id}.wav`), duration: 0, speaker: '1089', chapter: '134686', text: words.join(' ') };
  });
  const file = path.join(root, 'manifest.jsonl');
  writeManifest(file, entries);
  return file;
}

beforeAll(async () => {
  await initBackend({ log: null });
  // A tiny wav2vec2 with the standard 320-sample hop (50 frames/s) and a tiny BERT with the real vocabulary.
  const speech = path.join(root, 'w2v');
  fs.mkdirSync(speech);
  const convLayers = [{ channels: 8, kernel: 10, stride: 5 }, { channels: 8, kernel: 8, stride: 8 }, { channels: 8, kernel: 8, stride: 8 }];
  fs.writeFileSync(path.join(speech, 'model.onnx'), buildTinyWav2vec2({ convLayers, numLayers: 3, ctcVocabSize: 29, seed: 7 }).bytes);
  fs.writeFileSync(path.join(speech, 'preprocessor_config.json'), JSON.stringify({ do_normalize: true, sampling_rate: 16000 }));
  const text = path.join(root, 'bert');
  fs.cpSync(BERT_BASE_UNCASED_DIR, text, { recursive: true });
  fs.writeFileSync(path.join(text, 'model.onnx'), buildTinyBert({ vocabSize: 30522, numLayers: 2, maxPositions: 64, seed: 2 }).bytes);
});

const flags = (out: string, extra: Partial<BuildFlags> = {}): BuildFlags => ({
  manifest: fixtureManifest(), out, speechTeacher: `onnx:${path.join(root, 'w2v')}`, textTeacher: `onnx:${path.join(root, 'bert')}`,
  layers: '1,3', textLayers: 'all', shard: '0/1', dtype: 'float16', logits: true, chunkUtterances: 2, ...extra,
});

describe('speechkd-cache with hub ids (compiled CLI, local hub mirror on 127.0.0.1)', () => {
  const CLI = compiledCli(path.join(import.meta.dirname, '..'));
  const run = (args: string[], env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });

  it('downloads only the chosen variants into the HF cache with progress, then builds again offline from it', async () => {
    const mirror = await startHubMirror([
      { repo: 'speechkd/wav2vec2-ctc', dir: hfExportDir('wav2vec2-ctc', 17) }, { repo: 'speechkd/bert-uncased', dir: hfExportDir('bert-uncased', 14) },
    ]);
    try {
      const cache = path.join(root, 'hf-hub');
      const args = (out: string) => ['build', '--manifest', fixtureManifest(), '--out', out, '--speech-teacher', 'speechkd/wav2vec2-ctc', '--text-teacher', 'hf:speechkd/bert-uncased',
        '--model-dtype', 'q8', '--text-model-dtype', 'fp16', '--layers', 'all', '--text-layers', 'all'];
      const first = await run(args(path.join(root, 'cache-hub')), { HF_ENDPOINT: mirror.url, HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '' });
      const commit = mirror.commitOf('speechkd/wav2vec2-ctc').slice(0, 7);
      expect(first.stderr).toMatch(/speech teacher onnx\/model_quantized\.onnx: 0\.1 \/ 0\.1 MiB/);
      expect(first.stderr).toContain(`speech teacher onnx:wav2vec2(speechkd/wav2vec2-ctc@${commit}, q8): 2 layers, dim 16, 50 frames/s`);
      expect(first.stderr).toMatch(/text teacher onnx-bert\(speechkd\/bert-uncased@[0-9a-f]{7}, fp16\): 2 layers, dim 8/);
      const fetched = mirror.requests.filter((r) => r.method === 'GET' && /\/(resolve|cdn)\//.test(r.path) && !r.range).map((r) => r.path);
      expect(fetched.filter((p) => p.includes('/cdn/'))).toHaveLength(2); // model_quantized.onnx and model_fp16.onnx, nothing else
      expect(fetched.some((p) => p.endsWith('/config.json'))).toBe(true);
      const hub = await openTeacherCache(path.join(root, 'cache-hub'));
      expect(hub.header.speech).toMatchObject({ layers: [0, 1, 2], dim: 16, frameRate: 50, vocabSize: 32 });
      await hub.close();
      // Offline, from the cache alone: the same teachers, the same fingerprints.
      const second = await run(args(path.join(root, 'cache-hub-offline')), { HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' });
      expect(second.stderr).toMatch(/speech teacher onnx\/model_quantized\.onnx: 0\.1 MiB, in the cache/);
      const a = await openTeacherCache(path.join(root, 'cache-hub'));
      const b = await openTeacherCache(path.join(root, 'cache-hub-offline'));
      expect(b.header.fingerprint).toBe(a.header.fingerprint);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await mirror.close();
    }
  });
});

describe('speechkd-cache commands', () => {
  it('build (real WAV fixtures, ONNX teachers) -> verify -> info; rerun skips everything', async () => {
    const out = path.join(root, 'cache1');
    const lines: string[] = [];
    await runBuild(flags(out), (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/3 utterances, 0 already cached, 3 computed.*x realtime; .* MiB per hour of audio/);
    const cache = await openTeacherCache(out);
    const got = await cache.get('1089-134686-0001');
    expect(got.speech!.frameRate).toBe(50);
    const frames = got.speech!.layers.get(3)!.shape[0];
    expect(Math.abs(frames - got.duration * 50)).toBeLessThan(2);
    expect(got.text!.layers.size).toBe(3);
    expect(got.text!.ids[0]).toBe(101);
    await cache.close();
    lines.length = 0;
    await runBuild(flags(out), (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/3 already cached, 0 computed/);
    expect(await runVerify(out, (l) => lines.push(l))).toBe(0);
    await runInfo(out, (l) => lines.push(l));
    expect(lines.at(-1)).toMatch(/^3 utterances, 0\.00\d h audio, .* MiB per hour of audio$/);
  });

  it('two shards, then index checks coverage', async () => {
    const out = path.join(root, 'cache2');
    const log = (): void => undefined;
    await runBuild(flags(out, { shard: '0/2', textTeacher: undefined }), log);
    const lines: string[] = [];
    expect(await runIndex(out, fixtureManifest(), (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/missing \d of the manifest's utterances/);
    await runBuild(flags(out, { shard: '1/2', textTeacher: undefined }), log);
    expect(await runIndex(out, fixtureManifest(), (l) => lines.push(l))).toBe(0);
    expect((await openTeacherCache(out)).size).toBe(3);
  });

  it('in-project speech teacher from a model directory (no onnx: prefix)', async () => {
    const dir = path.join(root, 'tiny-model');
    const m = createStudent('test-tiny', { seed: 2 });
    saveModel(m, dir);
    m.dispose();
    const out = path.join(root, 'cache-inproj');
    await runBuild(flags(out, { speechTeacher: dir, textTeacher: undefined, layers: 'all' }), () => undefined);
    const cache = await openTeacherCache(out);
    expect(cache.header.speech).toMatchObject({ frameRate: 25, layers: [0, 1, 2], dim: 16, logits: true, vocabSize: 29 });
    const got = await cache.get('1089-134686-0000');
    expect(Math.abs(got.speech!.layers.get(2)!.shape[0] - got.duration * 25)).toBeLessThan(2);
    await cache.close();
  });

  it('rejects bad flags with typed errors', async () => {
    const out = path.join(root, 'cache3');
    await expect(runBuild(flags(out, { layers: '1,9' }), () => undefined)).rejects.toThrow(/--layers "1,9": "9" is not a hidden-state index 0\.\.3/);
    await expect(runBuild(flags(out, { shard: '2/2' }), () => undefined)).rejects.toThrow(TeachersArgumentError);
    await expect(runBuild(flags(out, { dtype: 'int4' }), () => undefined)).rejects.toThrow(/--dtype "int4": use float16, float32 or int8/);
    await expect(runBuild(flags(out, { pool: 0 }), () => undefined)).rejects.toThrow(/--pool 0/);
    await expect(runBuild(flags(out, { shard: 'k8s' }), () => undefined)).rejects.toThrow(/JOB_COMPLETION_INDEX is not set/);
    await expect(runBuild(flags(out, { speechTeacher: 'onnx:/nowhere' }), () => undefined)).rejects.toThrow(/--speech-teacher \/nowhere: no such folder, and not a hub id/);
    await expect(runBuild(flags(out, { dtype: 'q8' }), () => undefined)).rejects.toThrow(/--dtype "q8": use float16, float32 or int8 \(--dtype is the cache's storage type; pick the ONNX variant with --model-dtype q8\)/);
    await expect(runBuild(flags(out, { modelDtype: 'int4' }), () => undefined)).rejects.toThrow(/--model-dtype "int4": not a model dtype; use one of fp32, fp16/);
  });
});
