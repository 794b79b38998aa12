import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'tar';
import { LIBRISPEECH_SAMPLE_ROOT, compiledCli, hfExportDir } from '@speechkd/fixtures';
import { resolvePipelineConfig, runPipeline } from '@speechkd/app';
import { startHubMirror } from '@speechkd/onnx-graph/hub';
import type { HubMirror } from '@speechkd/onnx-graph/hub';
import { openTeacherCache } from '@speechkd/teachers';

// The `librispeech-100` recipe end to end in miniature, against local mirrors on 127.0.0.1: LibriSpeech-layout
// archives of the four subsets (train-clean-100 made of the real sample's test speakers; dev-clean, test-clean
// and test-other the real sample's own), and a hub serving small real-architecture teachers (the committed
// wav2vec2-CTC and BERT exports of @speechkd/fixtures). Downloads, teacher cache (the preset's int8 with the
// speech states projected to 384 dims), CTC-only and distilled students, evaluation on the downloaded sets; then the same with targets on
// the fly, offline from what the first run fetched.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-ls-recipe-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const SUBSETS: Record<string, string[]> = {
  'train-clean-100': ['test-other', 'test-clean'], 'dev-clean': ['dev-clean'], 'test-clean': ['test-clean'], 'test-other': ['test-other'],
};
const md5: Record<string, string> = {};
const archives = new Map<string, Buffer>();
const served: string[] = [];
let server: http.Server;
let base = '';
let hub: HubMirror;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const stage = path.join(root, 'stage');
  for (const [subset, from] of Object.entries(SUBSETS)) {
    const dir = path.join(stage, subset);
    for (const f of from) fs.cpSync(path.join(LIBRISPEECH_SAMPLE_ROOT, f), path.join(dir, 'LibriSpeech', subset), { recursive: true });
    const file = path.join(stage, `${subset}.tar.gz`);
    await create({ gzip: true, file, cwd: dir, portable: true }, ['LibriSpeech']);
    const bytes = fs.readFileSync(file);
    archives.set(`/${subset}.tar.gz`, bytes);
    md5[subset] = createHash('md5').update(bytes).digest('hex');
  }
  server = http.createServer((req, res) => {
    const bytes = archives.get(req.url ?? '');
    served.push(req.url ?? '');
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub = await startHubMirror([
    { repo: 'speechkd/wav2vec2-ctc', dir: hfExportDir('wav2vec2-ctc', 17) }, { repo: 'speechkd/bert-uncased', dir: hfExportDir('bert-uncased', 14) },
  ]);
  Object.assign(process.env, { HF_ENDPOINT: hub.url, HF_HUB_CACHE: path.join(root, 'hf-hub'), HF_HUB_OFFLINE: '' });
});

afterAll(async () => {
  process.env = savedEnv;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await hub.close();
});

const settings = (name: string, extra: Record<string, string> = {}) => resolvePipelineConfig('librispeech-100', {
  name, runsDir: path.join(root, 'runs'), dataDir: path.join(root, 'data'), backend: 'wasm', cores: '1',
  speechTeacher: 'speechkd/wav2vec2-ctc', textTeacher: 'speechkd/bert-uncased',
  librispeechUrl: base, librispeechMd5: Object.entries(md5).map(([s, m]) => `${s}=${m}`).join(','),
  studentModel: 'test-tiny', studentSteps: '3', warmupSteps: '1', batchFrames: '3000', trainer: 'evalEvery=0', evalLimit: '2', ...extra,
});

describe('npm start -- --preset=librispeech-100 (miniature, local mirrors)', () => {
  it('downloads the subsets and both teachers, caches int8 projected to 384 dims, trains both students, evaluates on the real sets', async () => {
    const log: string[] = [];
    const r = await runPipeline(settings('ls-mini'), { log: (l) => log.push(l) });
    const lsRoot = path.join(root, 'data', 'librispeech');
    for (const s of Object.keys(SUBSETS)) {
      expect(fs.existsSync(path.join(lsRoot, 'LibriSpeech', s, '.speechkd-complete')), s).toBe(true);
      expect(served).toContain(`/${s}.tar.gz`);
    }
    expect(log.join('\n')).toMatch(/\[librispeech\] train-clean-100: 24 utterances/);
    expect(log.some((l) => /\[teachers\] speech teacher onnx:wav2vec2\(speechkd\/wav2vec2-ctc@[0-9a-f]{7}\): 2 layers, dim 16, 50 frames\/s/.test(l))).toBe(true);
    expect(hub.requests.some((q) => q.method === 'GET' && q.path.includes('/cdn/'))).toBe(true);

    const cache = await openTeacherCache(r.paths.cache);
    expect(cache.header.dtype).toBe('int8');
    expect(cache.header.speech).toMatchObject({ layers: [1, 2], frameRate: 50, dim: 384, logits: true, storage: { projection: { teacherDim: 16, seed: 0 } } });
    expect(cache.header.text).toMatchObject({ layers: [2] });
    expect(cache.ids()).toHaveLength(24);
    await cache.close();

    for (const dir of [r.paths.studentCtc, r.paths.studentKd]) expect(fs.existsSync(path.join(dir, 'final', 'model.json')), dir).toBe(true);
    // An ONNX teacher is no bundle of this project: the students are the rows, on the downloaded sets.
    expect(r.systems.map((s) => s.key)).toEqual(['student-ctc', 'student-kd']);
    for (const s of r.systems) {
      expect(s.results.map((x) => [x.set, x.utterances])).toEqual([['LibriSpeech test-clean', 2], ['LibriSpeech test-other', 2], ['LibriSpeech dev-clean', 1]]);
    }
    expect(r.comparison?.set).toBe('LibriSpeech test-clean');
    const md = fs.readFileSync(r.reports.markdown, 'utf8');
    expect(md).toMatch(/Corpus: LibriSpeech train-clean-100 24 utts \/ 0\.\d\d h, dev-clean 1 utts/);
    expect(md).toMatch(/Teacher outputs cached with dtype=int8,project=384/);
    expect(md).not.toMatch(/trained only on synthetic speech/);

    // A cache built outside the job (speechkd-cache, as deploy/'s cluster scripts run it) from the job's manifest with
    // the same teachers and flags has the job's fingerprint, so the job's cache stage would take it as its own.
    const out = path.join(root, 'cli-cache');
    await promisify(execFile)(process.execPath, [compiledCli(path.join(import.meta.dirname, '..', 'packages', 'teachers')), 'build',
      '--manifest', path.join(lsRoot, 'manifests', 'train-clean-100.jsonl'), '--out', out, '--speech-teacher', 'speechkd/wav2vec2-ctc',
      '--text-teacher', 'speechkd/bert-uncased', '--layers', '1,2', '--text-layers', 'last', '--dtype', 'int8', '--project', '384', '--limit', '2']);
    const header = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'cache.json'), 'utf8')) as { fingerprint: string }).fingerprint;
    expect(header(out)).toBe(header(r.paths.cache));
  }, 120_000);

  it('--teacherTargets=on-the-fly: no cache, the teachers run in the training steps; everything else reused from disk', async () => {
    served.length = 0;
    const before = hub.requests.length;
    process.env.HF_HUB_OFFLINE = '1';
    const log: string[] = [];
    const r = await runPipeline(settings('ls-mini-otf', { teacherTargets: 'on-the-fly' }), { log: (l) => log.push(l) });
    expect(served).toEqual([]); // the subsets were already there
    expect(hub.requests.length).toBe(before); // and the teachers in the HF cache
    expect(fs.existsSync(r.paths.cache)).toBe(false);
    expect(fs.existsSync(path.join(r.paths.run, 'stages', 'teacher-cache.json'))).toBe(false);
    const kd = JSON.parse(fs.readFileSync(path.join(r.paths.run, 'stages', 'student-kd.json'), 'utf8')) as { result: { step: number; pairs: string[] } };
    expect(kd.result.step).toBe(3);
    expect(kd.result.pairs.length).toBeGreaterThan(0);
    expect(fs.readFileSync(r.reports.markdown, 'utf8')).toMatch(/Teacher targets computed on the fly/);
  }, 120_000);
});
