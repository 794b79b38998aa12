import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import type { PageServer } from '../src/server.js';

const MODEL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tiny-model');

describe('the page server', () => {
  let server: PageServer;
  beforeAll(async () => {
    server = await startServer({ modelDir: MODEL });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and sends the cross-origin isolation headers threads need', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await res.text()).toMatch(/<script type="importmap">/);
  });

  it('serves onnxruntime-web itself (brotli when accepted), and the model files its manifest lists only', async () => {
    const wasm = await fetch(`${server.url}ort/ort-wasm-simd-threaded.wasm`, { headers: { 'accept-encoding': 'br' } });
    expect([wasm.status, wasm.headers.get('content-type'), wasm.headers.get('content-encoding')]).toEqual([200, 'application/wasm', 'br']);
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d])); // fetch decodes br
    const manifest = await fetch(`${server.url}model/recognizer.json`);
    expect((await manifest.json()).name).toBe('test-tiny');
    expect((await fetch(`${server.url}model/onnx/model.onnx`)).status).toBe(200);
    for (const p of ['model/../package.json', 'model/onnx/model_fp16.onnx', '../package.json', 'app.js.br', 'nothing.html']) {
      expect((await fetch(`${server.url}${p}`)).status, p).toBe(404);
    }
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('takes a training run for its final/ model folder', async () => {
    const run = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-web-run-'));
    fs.cpSync(MODEL, path.join(run, 'final'), { recursive: true });
    const s = await startServer({ modelDir: run });
    expect(s.modelDir).toBe(path.join(run, 'final'));
    expect((await fetch(`${s.url}model/recognizer.json`)).status).toBe(200);
    await s.close();
    fs.rmSync(run, { recursive: true, force: true });
  });

  it('refuses a folder without recognizer.json, saying how to make one', async () => {
    await expect(startServer({ modelDir: path.dirname(MODEL) })).rejects.toThrow(/cannot read recognizer\.json .*speechkd-train export --model DIR/);
  });
});
