import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hfExportDir } from '@speechkd/fixtures';
import { HubError, downloadHubFiles, hubEnv, startHubMirror } from '../src/hub/index.js';
import type { HubMirror } from '../src/hub/index.js';

// A Hugging Face cache that Python's huggingface_hub wrote (scripts/make-python-hub-cache.mjs), and the
// fixture repository it was downloaded from, served again by the mirror on 127.0.0.1.
const PYTHON_CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'python-hub-cache');
const REPO = 'speechkd/wav2vec2-ctc';
const SRC = hfExportDir('wav2vec2-ctc', 14);
const Q8 = ['config.json', 'preprocessor_config.json', 'onnx/model_quantized.onnx'];
const MODEL = 'onnx/model_quantized.onnx';

let mirror: HubMirror;
beforeAll(async () => {
  mirror = await startHubMirror([{ repo: REPO, dir: SRC, revisions: ['main', 'v1'] }]);
});
afterAll(() => mirror.close());
beforeEach(() => {
  mirror.requests.length = 0;
  mirror.faults.cut.clear();
  mirror.faults.wrongSha256.clear();
});

const freshCache = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'hf-cache-'));
const env = (cacheDir: string, offline = false) => ({ cacheDir, endpoint: mirror.url, offline });
const content = (r: { path: string }) => /\/resolve\/|\/cdn\//.test(r.path) && !/\/api\//.test(r.path);

/** The layout under models--*: directories, files, and symlinks with their targets (Python-only trees/ left out). */
function layout(cacheDir: string): string[] {
  const repoDir = path.join(cacheDir, `models--${REPO.replace('/', '--')}`);
  return fs.readdirSync(repoDir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const rel = path.relative(repoDir, path.join(e.parentPath, e.name));
      if (e.isSymbolicLink()) return `${rel} -> ${fs.readlinkSync(path.join(e.parentPath, e.name))}`;
      if (rel === 'refs/main') return `${rel} = ${fs.readFileSync(path.join(repoDir, rel), 'utf8')}`;
      return `${rel}${e.isDirectory() ? '/' : ''}`;
    })
    .filter((l) => !l.startsWith('trees'))
    .sort();
}

describe('downloadHubFiles against a local hub mirror', () => {
  it('downloads only the requested files, into the layout Python huggingface_hub writes', async () => {
    const cache = freshCache();
    const progress: string[] = [];
    const snap = await downloadHubFiles(REPO, { files: Q8, optionalFiles: ['special_tokens_map.json'], env: env(cache), onProgress: (p) => progress.push(`${p.file} ${p.bytes}/${p.total}`) });
    expect(snap.commit).toBe(mirror.commitOf(REPO));
    expect(snap.dir).toBe(path.join(cache, 'models--speechkd--wav2vec2-ctc', 'snapshots', snap.commit));
    expect(snap.files.map((f) => [f.path, f.downloaded])).toEqual(Q8.map((f) => [f, true]));
    for (const f of Q8) expect(fs.readFileSync(path.join(snap.dir, f)).equals(fs.readFileSync(path.join(SRC, f)))).toBe(true);
    expect(layout(cache)).toEqual(layout(PYTHON_CACHE));
    // Only the variant asked for: no other model*.onnx was fetched.
    expect(mirror.requests.filter((r) => r.path.includes('/cdn/') && r.method === 'GET' && !r.range)).toHaveLength(1);
    expect(progress.at(-1)).toMatch(/^onnx\/model_quantized\.onnx (\d+)\/\1$/);
    // A second call downloads nothing.
    mirror.requests.length = 0;
    const again = await downloadHubFiles(REPO, { files: Q8, env: env(cache) });
    expect(again.files.every((f) => !f.downloaded)).toBe(true);
    expect(mirror.requests.filter(content)).toEqual([]);
  });

  it('reuses a model Python already downloaded: no file requests online, no requests at all offline', async () => {
    const cache = freshCache();
    fs.cpSync(PYTHON_CACHE, cache, { recursive: true, verbatimSymlinks: true });
    const online = await downloadHubFiles(REPO, { files: Q8, env: env(cache) });
    expect(online.files.every((f) => !f.downloaded)).toBe(true);
    expect(mirror.requests.map((r) => `${r.method} ${r.path.replace(online.commit, 'C')}`)).toEqual([
      `GET /api/models/${REPO}/revision/main`, `POST /api/models/${REPO}/paths-info/C`,
    ]);
    mirror.requests.length = 0;
    const offline = await downloadHubFiles(REPO, { files: Q8, env: env(cache, true) });
    expect(offline).toMatchObject({ commit: online.commit, dir: online.dir, fromCacheOnly: true });
    expect(mirror.requests).toEqual([]);
    // Offline, a variant the cache lacks is an error that names it.
    await expect(downloadHubFiles(REPO, { files: ['onnx/model_fp16.onnx'], env: env(cache, true) })).rejects.toThrow(
      /speechkd\/wav2vec2-ctc@main \(commit [0-9a-f]{40}\) in .* lacks onnx\/model_fp16\.onnx \(HF_HUB_OFFLINE is set\)/,
    );
    await expect(downloadHubFiles(REPO, { files: Q8, env: env(freshCache(), true) })).rejects.toThrow(/speechkd\/wav2vec2-ctc@main is not in the hub cache .*HF_HUB_OFFLINE is set/);
  });

  it('resumes an interrupted download with a Range request, in a later call and within one call', async () => {
    const cache = freshCache();
    mirror.faults.cut.set(MODEL, { bytes: 40000, times: 1 });
    await expect(downloadHubFiles(REPO, { files: Q8, env: env(cache), retries: 0 })).rejects.toThrow(/40000 of \d+ bytes of onnx\/model_quantized\.onnx are kept in .*\.incomplete: rerun to resume/);
    const incomplete = fs.readdirSync(path.join(cache, 'models--speechkd--wav2vec2-ctc', 'blobs')).filter((f) => f.endsWith('.incomplete'));
    expect(incomplete).toHaveLength(1);
    mirror.requests.length = 0;
    const snap = await downloadHubFiles(REPO, { files: Q8, env: env(cache), retries: 0 });
    expect(mirror.requests.filter((r) => r.path.includes('/cdn/') && r.method === 'GET' && r.range !== 'bytes=0-0').map((r) => r.range)).toEqual(['bytes=40000-133558']);
    expect(fs.readFileSync(path.join(snap.dir, MODEL)).equals(fs.readFileSync(path.join(SRC, MODEL)))).toBe(true);
    // Twice cut in one call: the automatic retries resume from what arrived.
    const other = freshCache();
    mirror.faults.cut.set(MODEL, { bytes: 30000, times: 2 });
    const retried = await downloadHubFiles(REPO, { files: Q8, env: env(other), retries: 3, retryDelayMs: 0 });
    expect(fs.readFileSync(path.join(retried.dir, MODEL)).equals(fs.readFileSync(path.join(SRC, MODEL)))).toBe(true);
  });

  it('two downloads of one model at once: one fetches each file, the other waits and reuses it', async () => {
    const cache = freshCache();
    const [a, b] = await Promise.all([0, 1].map(() => downloadHubFiles(REPO, { files: Q8, env: env(cache), retryDelayMs: 20 })));
    expect(a.dir).toBe(b.dir);
    expect(mirror.requests.filter((r) => r.path.includes('/cdn/') && r.method === 'GET' && !r.range)).toHaveLength(1);
    expect([...a.files, ...b.files].filter((f) => f.downloaded)).toHaveLength(3);
    expect(fs.readFileSync(path.join(a.dir, MODEL)).equals(fs.readFileSync(path.join(SRC, MODEL)))).toBe(true);
  });

  it('refuses a file whose sha256 differs from the one the hub states, and keeps nothing of it', async () => {
    const cache = freshCache();
    mirror.faults.wrongSha256.add(MODEL);
    await expect(downloadHubFiles(REPO, { files: Q8, env: env(cache) })).rejects.toThrow(
      /speechkd\/wav2vec2-ctc: onnx\/model_quantized\.onnx has sha256 [0-9a-f]{64}, but the hub says [0-9a-f]{64}; the download was deleted/,
    );
    const blobs = fs.readdirSync(path.join(cache, 'models--speechkd--wav2vec2-ctc', 'blobs'));
    expect(blobs.filter((b) => b.length === 64 || b.endsWith('.incomplete'))).toEqual([]);
    expect(fs.existsSync(path.join(cache, 'models--speechkd--wav2vec2-ctc', 'snapshots', mirror.commitOf(REPO), MODEL))).toBe(false);
  });

  it('resolves tags and commits; names what is missing; falls back to the cache when the hub is unreachable', async () => {
    const cache = freshCache();
    const byTag = await downloadHubFiles(REPO, { files: ['config.json'], revision: 'v1', env: env(cache) });
    expect(fs.readFileSync(path.join(cache, 'models--speechkd--wav2vec2-ctc', 'refs', 'v1'), 'utf8')).toBe(byTag.commit);
    const byCommit = await downloadHubFiles(REPO, { files: ['config.json'], revision: byTag.commit, env: env(cache) });
    expect(byCommit.dir).toBe(byTag.dir);
    await expect(downloadHubFiles(REPO, { files: ['onnx/model_q4f16.onnx'], env: env(cache) })).rejects.toThrow(/@main \(commit [0-9a-f]{40}\) on http:\/\/127\.0\.0\.1:\d+ has no onnx\/model_q4f16\.onnx/);
    await expect(downloadHubFiles('speechkd/nope', { files: ['config.json'], env: env(cache) })).rejects.toThrow(/speechkd\/nope@main on .*: not found \(HTTP 404/);
    await expect(downloadHubFiles(REPO, { files: ['config.json'], revision: 'v9', env: env(cache) })).rejects.toThrow(/@v9 on .*: not found \(HTTP 404: Invalid rev id: v9/);
    await expect(downloadHubFiles('../etc', { files: ['config.json'], env: env(cache) })).rejects.toThrow(HubError);
    const notices: string[] = [];
    const down = await downloadHubFiles(REPO, { files: ['config.json'], revision: 'v1', env: { ...env(cache), endpoint: 'http://127.0.0.1:9' }, onNotice: (l) => notices.push(l) });
    expect(down).toMatchObject({ commit: byTag.commit, fromCacheOnly: true });
    expect(notices[0]).toMatch(/^http:\/\/127\.0\.0\.1:9 is unreachable; using the cached speechkd\/wav2vec2-ctc@v1/);
  });

  it('reads HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_HUB_OFFLINE and HF_TOKEN as huggingface_hub does', () => {
    expect(hubEnv({ HOME: '/h', HF_HUB_OFFLINE: 'yes' } as NodeJS.ProcessEnv)).toMatchObject({ cacheDir: path.join(os.homedir(), '.cache', 'huggingface', 'hub'), endpoint: 'https://huggingface.co', offline: true });
    expect(hubEnv({ HF_HOME: '/data/hf', HF_ENDPOINT: 'http://mirror:8080/', HF_TOKEN: 'hf_x' })).toMatchObject({ cacheDir: '/data/hf/hub', endpoint: 'http://mirror:8080', offline: false, token: 'hf_x' });
    expect(hubEnv({ HF_HOME: '/data/hf', HF_HUB_CACHE: '/fast/hub', HF_HUB_OFFLINE: '0' })).toMatchObject({ cacheDir: '/fast/hub', offline: false });
    const home = freshCache();
    fs.writeFileSync(path.join(home, 'token'), 'hf_fromfile\n');
    expect(hubEnv({ HF_HOME: home }).token).toBe('hf_fromfile');
  });
});
