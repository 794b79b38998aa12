// Makes test/fixtures/python-hub-cache: a Hugging Face cache written by Python's huggingface_hub, the way a
// user who already ran `snapshot_download` has it. Serves the wav2vec2-ctc-op14 fixture as hub model
// `speechkd/wav2vec2-ctc` with the package's hub mirror on 127.0.0.1 and lets Python download the files the
// q8 speech teacher needs into a fresh HF_HUB_CACHE, then copies that cache (symlinks kept) into the test
// fixtures. Run from the repository root after `npm run build`, with a Python that has huggingface_hub:
//   PYTHON=/work/venvs/issue25/bin/python node packages/onnx-graph/scripts/make-python-hub-cache.mjs
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HF_EXPORTS_ROOT } from '@speechkd/fixtures';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startHubMirror } = await import(path.join(pkg, 'dist', 'hub', 'index.js'));
const python = process.env.PYTHON ?? 'python3';
const FILES = ['config.json', 'preprocessor_config.json', 'onnx/model_quantized.onnx'];

const mirror = await startHubMirror([{ repo: 'speechkd/wav2vec2-ctc', dir: path.join(HF_EXPORTS_ROOT, 'wav2vec2-ctc-op14') }]);
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'python-hub-cache-'));
try {
  // Async: the mirror runs in this process and must keep answering while Python downloads.
  const code = `import huggingface_hub as h; print(h.__version__); print(h.snapshot_download('speechkd/wav2vec2-ctc', allow_patterns=${JSON.stringify(FILES)}))`;
  const { stdout } = await promisify(execFile)(python, ['-c', code], {
    env: { ...process.env, HF_ENDPOINT: mirror.url, HF_HUB_CACHE: cache, HF_HUB_DISABLE_TELEMETRY: '1', HF_HUB_DISABLE_PROGRESS_BARS: '1' },
  });
  const [version, snapshot] = stdout.trim().split('\n');
  const out = path.join(pkg, 'test', 'fixtures', 'python-hub-cache');
  fs.rmSync(out, { recursive: true, force: true });
  fs.cpSync(cache, out, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(path.join(out, 'README.md'), `Written by huggingface_hub ${version} (Python) through scripts/make-python-hub-cache.mjs: snapshot ${path.relative(cache, snapshot)}.\n` +
    `Requests it made: ${mirror.requests.map((r) => `${r.method} ${r.path}${r.range ? ` (${r.range})` : ''}`).join('; ')}\n`);
  console.log(`${out}: huggingface_hub ${version}, ${path.relative(cache, snapshot)}`);
} finally {
  await mirror.close();
  fs.rmSync(cache, { recursive: true, force: true });
}
