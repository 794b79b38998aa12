import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, LIBRISPEECH_MD5, downloadFile, downloadLibriSpeech, readLibriSpeechSubset, verifyTarGz } from '../src/index.js';

// A local server (127.0.0.1 only) that serves a tarball the test builds from the fixtures, honours
// Range requests, and can cut the connection half-way to exercise resume.
let server: http.Server;
let base = '';
let archive = '';
let md5 = '';
const log: Array<{ range: string | undefined; status: number }> = [];
let cutNext = 0; // number of upcoming requests to cut off half-way
let ignoreRange = false;
let truncated: Buffer; // the first 60% of the archive: what a broken mirror or an interrupted copy leaves

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-dl-src-'));
  archive = path.join(dir, 'test-clean.tar.gz');
  await create({ gzip: true, file: archive, cwd: path.dirname(LIBRISPEECH_SAMPLE_ROOT), portable: true }, ['LibriSpeech/test-clean']);
  const full = fs.readFileSync(archive);
  md5 = createHash('md5').update(full).digest('hex');
  truncated = full.subarray(0, Math.floor(full.length * 0.6));
  server = http.createServer((req, res) => {
    const bytes = req.url?.startsWith('/truncated/') ? truncated : full;
    if (req.url !== '/test-clean.tar.gz' && req.url !== '/truncated/test-clean.tar.gz') { res.writeHead(404).end(); log.push({ range: undefined, status: 404 }); return; }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (m && !ignoreRange) {
      start = Number(m[1]);
      if (start >= bytes.length) { res.writeHead(416).end(); log.push({ range: req.headers.range, status: 416 }); return; }
      res.writeHead(206, { 'content-length': bytes.length - start, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    } else {
      res.writeHead(200, { 'content-length': bytes.length });
    }
    log.push({ range: req.headers.range, status: res.statusCode });
    const body = bytes.subarray(start);
    if (cutNext > 0) {
      cutNext--;
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    } else {
      res.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'ls-dl-'));

describe('downloader (offline, local server)', () => {
  it('knows the official archive checksums', () => {
    expect(LIBRISPEECH_MD5['test-clean']).toBe('32fa31d27d2e1cad72775fee3f4849a9');
    expect(Object.keys(LIBRISPEECH_MD5)).toHaveLength(7);
  });

  it('downloads, verifies MD5, extracts into LibriSpeech/<subset> and removes the archive', async () => {
    const dir = tmpDir();
    const target = await downloadLibriSpeech({ subset: 'test-clean', dir, baseUrl: base, md5 });
    expect(target).toBe(path.join(dir, 'LibriSpeech', 'test-clean'));
    expect(readLibriSpeechSubset(dir, 'test-clean').utterances).toHaveLength(4);
    expect(fs.existsSync(path.join(dir, 'test-clean.tar.gz'))).toBe(false);
    const before = log.length;
    await downloadLibriSpeech({ subset: 'test-clean', dir, baseUrl: base, md5 }); // already complete: no request
    expect(log.length).toBe(before);
  });

  it('resumes with a Range request after the connection drops', async () => {
    const dest = path.join(tmpDir(), 'a.tar.gz');
    cutNext = 1;
    log.length = 0;
    await expect(downloadFile(`${base}/test-clean.tar.gz`, dest, { md5, retries: 0 })).rejects.toThrow(/rerun to resume/);
    const partial = fs.statSync(`${dest}.part`).size;
    expect(partial).toBeGreaterThan(0);
    await downloadFile(`${base}/test-clean.tar.gz`, dest, { md5, retries: 0 });
    expect(log.map((l) => l.status)).toEqual([200, 206]);
    expect(log[1].range).toBe(`bytes=${partial}-`);
    expect(fs.readFileSync(dest).equals(fs.readFileSync(archive))).toBe(true);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('retries automatically, and restarts from zero when the server ignores Range', async () => {
    const dest = path.join(tmpDir(), 'b.tar.gz');
    cutNext = 2;
    await downloadFile(`${base}/test-clean.tar.gz`, dest, { md5, retries: 3, retryDelayMs: 0 });
    expect(fs.readFileSync(dest).equals(fs.readFileSync(archive))).toBe(true);
    const dest2 = path.join(tmpDir(), 'c.tar.gz');
    fs.writeFileSync(`${dest2}.part`, 'garbage-prefix');
    ignoreRange = true;
    try {
      await downloadFile(`${base}/test-clean.tar.gz`, dest2, { md5, retries: 0 });
    } finally {
      ignoreRange = false;
    }
    expect(fs.readFileSync(dest2).equals(fs.readFileSync(archive))).toBe(true);
  });

  it('checksum mismatch deletes the download and says so; HTTP errors are clear', async () => {
    const dest = path.join(tmpDir(), 'd.tar.gz');
    await expect(downloadFile(`${base}/test-clean.tar.gz`, dest, { md5: LIBRISPEECH_MD5['test-clean'], retries: 0 })).rejects.toThrow(/MD5 mismatch \(expected 32fa31d2/);
    expect(fs.existsSync(dest) || fs.existsSync(`${dest}.part`)).toBe(false);
    await expect(downloadFile(`${base}/nope.tar.gz`, dest, { retries: 3, retryDelayMs: 0 })).rejects.toThrow(DownloadError);
    await expect(downloadFile(`${base}/nope.tar.gz`, dest, { retries: 0 })).rejects.toThrow(/HTTP 404/);
  });

  it('refuses a truncated archive before extracting anything, whether or not its MD5 was published', async () => {
    // A mirror that serves a truncated archive under the official checksum: the MD5 check deletes it.
    const dir = tmpDir();
    await expect(downloadLibriSpeech({ subset: 'test-clean', dir, baseUrl: `${base}/truncated`, md5, retries: 0 })).rejects.toThrow(/MD5 mismatch/);
    expect(fs.readdirSync(dir)).toEqual([]);
    // One that publishes the truncated file's own MD5: the archive is read through first, and nothing is extracted.
    const other = tmpDir();
    const md5Truncated = createHash('md5').update(truncated).digest('hex');
    await expect(downloadLibriSpeech({ subset: 'test-clean', dir: other, baseUrl: `${base}/truncated`, md5: md5Truncated, retries: 0 })).rejects.toThrow(
      /test-clean\.tar\.gz: truncated or corrupt archive \(.*\); nothing was extracted/,
    );
    expect(fs.readdirSync(other)).toEqual(['test-clean.tar.gz']);
    expect(await verifyTarGz(archive, 'LibriSpeech/')).toBeGreaterThan(4);
    await expect(verifyTarGz(archive, 'LibriSpeech/dev-clean/')).rejects.toThrow(/entry "LibriSpeech\/test-clean\/?" is outside LibriSpeech\/dev-clean\//);
  });

  it('rejects unknown subsets unless an md5 is given', async () => {
    await expect(downloadLibriSpeech({ subset: 'train-clean-999', dir: tmpDir(), baseUrl: base })).rejects.toThrow(/unknown subset "train-clean-999"/);
  });
});
