// The page in a real browser: Debian's Chromium, headless, driven by playwright-core (never a downloaded
// browser). It serves the page with a small trained model, feeds two real LibriSpeech files through the page's
// file input and checks the transcripts against onnxruntime-node's for the same model folder, byte for byte.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '@speechkd/audio-features';
import { sampleAudioPath } from '@speechkd/fixtures';
import { loadRecognizer } from '@speechkd/recognizer';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../src/chromium.js';
import type { HeadlessChromium } from '../src/chromium.js';
import { runPage } from '../src/page-driver.js';
import { startServer } from '../src/server.js';
import type { PageServer } from '../src/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MODEL = path.join(here, 'fixtures', 'tiny-model');
/** Where the screenshots go (gitignored). */
const OUT = path.join(here, '..', 'test-output');
const FILES = [sampleAudioPath('test-other', '367-130732-0006', 'flac'), sampleAudioPath('test-clean', '1089-134686-0001', 'wav')];
const inCi = process.env.CI === 'true';
const haveChromium = chromiumAvailable();

if (!haveChromium && !inCi) {
  console.warn(`[web] SKIPPED the Chromium test: no ${CHROMIUM_PATH} (apt-get install -y chromium; .ci/run installs it, and in CI the test fails without it)`);
}

describe('Chromium is there in CI', () => {
  it.runIf(inCi)(`${CHROMIUM_PATH} exists (.ci/run installs it with apt-get)`, () => {
    expect(haveChromium, `no Chromium at ${CHROMIUM_PATH}: .ci/run must apt-get install -y chromium`).toBe(true);
  });
});

describe.runIf(haveChromium)('the page in headless Chromium', () => {
  let server: PageServer;
  let browser: HeadlessChromium;
  /** onnxruntime-node's transcripts of FILES, by dtype. */
  const node: Record<string, string[]> = {};

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    server = await startServer({ modelDir: MODEL });
    // The fake microphone (a beep) lets the recording path run headless.
    browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
    const audio = await Promise.all(FILES.map((f) => decodeAudioFile(f)));
    for (const dtype of ['fp32', 'q8'] as const) {
      const rec = await loadRecognizer(MODEL, { dtype });
      node[dtype] = await Promise.all(audio.map((a) => rec.transcribe(a.samples, a.sampleRate)));
      await rec.dispose();
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const dtype of ['fp32', 'q8'] as const) {
    it(`${dtype}: the page's transcripts of two LibriSpeech files equal onnxruntime-node's byte for byte`, async () => {
      const shot = path.join(OUT, `page-${dtype}.png`);
      fs.rmSync(shot, { force: true });
      const run = await runPage(browser, server.url, { dtype, threads: 1, files: FILES, screenshot: shot });
      expect(run.results.map((r) => r.transcript)).toEqual(node[dtype]);
      expect(node[dtype].every((t) => t.length > 0)).toBe(true); // the fixture model emits characters
      const r = run.results[0];
      expect(r).toMatchObject({ dtype, threads: 1, parameters: server.manifest.parameters, modelBytes: server.manifest.onnx.variants[dtype]!.bytes });
      expect(r.engine).toMatch(/^onnxruntime-web \d/);
      expect(r.browser).toMatch(/^Chromium \d+\.\d+\.\d+\.\d+$/);
      expect(r.rtf).toBeGreaterThan(0);
      expect(r.firstTranscriptMs).toBeGreaterThan(run.loadMs);
      expect(r.audioSeconds).toBeCloseTo(2.35, 1);
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    }, 120_000);
  }

  it('runs two WebAssembly threads when the server makes the page cross-origin isolated, with the same transcripts', async () => {
    const run = await runPage(browser, server.url, { dtype: 'q8', threads: 2, files: FILES });
    expect(run.results.map((r) => r.threads)).toEqual([2, 2]);
    expect(run.results.map((r) => r.transcript)).toEqual(node.q8);
  }, 120_000);

  it('records from the (fake) microphone and transcribes the recording', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.url}?dtype=q8`);
      await page.waitForFunction(() => (window as unknown as { speechkd?: { state: string } }).speechkd?.state === 'ready');
      await page.click('#record');
      // Wait for a second of captured audio (not of wall time: a loaded machine starves the audio thread).
      await page.waitForFunction(() => (window as unknown as { speechkd: { recordedSeconds: number } }).speechkd.recordedSeconds >= 1, undefined, { timeout: 60_000 });
      await page.click('#record');
      await page.waitForFunction(() => (window as unknown as { speechkd: { results: unknown[] } }).speechkd.results.length === 1);
      const [r] = (await page.evaluate('window.speechkd.results')) as Array<{ file: string; audioSeconds: number }>;
      expect(r.file).toBe('microphone');
      expect(r.audioSeconds).toBeGreaterThanOrEqual(1);
      expect(await page.textContent('#transcript')).not.toBe('-');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('says why when the model variant is missing', async () => {
    await expect(runPage(browser, server.url, { dtype: 'fp16', threads: 1, files: FILES })).rejects.toThrow(/no fp16 variant \(the folder has fp32, q8\)/);
  }, 120_000);
});
