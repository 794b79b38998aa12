import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkOutputDir, describeWriteError, errnoCode } from '@speechkd/safe-io';
import { extract, list } from 'tar';
import { DownloadError, LibriSpeechInputError } from './errors.js';

/** The seven official LibriSpeech subsets (OpenSLR resource 12). */
export const LIBRISPEECH_SUBSETS = ['dev-clean', 'dev-other', 'test-clean', 'test-other', 'train-clean-100', 'train-clean-360', 'train-other-500'] as const;

/** A LibriSpeech subset name. */
export type LibriSpeechSubset = (typeof LIBRISPEECH_SUBSETS)[number];

/** Base URL of OpenSLR resource 12 (mirrors: https://us.openslr.org/resources/12, https://openslr.elda.org/resources/12). */
export const OPENSLR_BASE_URL = 'https://www.openslr.org/resources/12';

/** MD5 of each official archive, as published in OpenSLR's md5sum.txt for resource 12. */
export const LIBRISPEECH_MD5: Readonly<Record<LibriSpeechSubset, string>> = {
  'dev-clean': '42e2234ba48799c1f50f24a7926300a1',
  'dev-other': 'c8d0bcc9cca99d4f8b62fcc847357931',
  'test-clean': '32fa31d27d2e1cad72775fee3f4849a9',
  'test-other': 'fb5a50374b501bb3bac4815ee91d3135',
  'train-clean-100': '2a93770f6d5c6c964bc36631d331a522',
  'train-clean-360': 'c0e676e450a7ff2f54aeade5171606fa',
  'train-other-500': 'd1a0fd59409feb2c614ce4d30c387708',
};

/** Progress callback: bytes on disk so far and the total (null when the server does not say). */
export type DownloadProgress = (bytes: number, total: number | null) => void;

/** Options of `downloadFile`. */
export interface DownloadFileOptions {
  /** Expected MD5 (hex); the file is verified after download and a mismatch removes it. */
  md5?: string;
  /** Progress callback. */
  onProgress?: DownloadProgress;
  /** Automatic resumes after a dropped connection (default 3). */
  retries?: number;
  /** Delay before each resume in ms (default 2000). */
  retryDelayMs?: number;
}

/** MD5 of a file, streamed (hex). */
export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** One HTTP attempt: resumes `part` with a Range request when it has bytes; returns when the body ends. */
async function attempt(url: string, part: string, onProgress?: DownloadProgress): Promise<void> {
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
  } catch (err) {
    throw new DownloadError(`${url}: request failed (${(err as Error).cause ?? (err as Error).message})`);
  }
  if (res.status === 416 && have > 0) return; // nothing left to fetch: the part file is complete
  if (res.status !== 200 && res.status !== 206) throw new DownloadError(`${url}: HTTP ${res.status} ${res.statusText}`);
  let start = 0;
  let total: number | null = null;
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) throw new DownloadError(`${url}: server answered the resume request with Content-Range "${res.headers.get('content-range')}"`);
    start = have;
    total = m[2] === '*' ? null : Number(m[2]);
  } else {
    const len = res.headers.get('content-length');
    total = len ? Number(len) : null; // 200: the server ignored Range, so start over
  }
  if (!res.body) throw new DownloadError(`${url}: empty response body`);
  if (total !== null) checkOutputDir(path.dirname(part), { needBytes: total - start }); // OutputPathError before a byte is written
  const out = fs.createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  // A failed pipeline destroys `out` without waiting for a write already under way; the next attempt sizes
  // the part file to resume from, so it must not start before that write has landed and the file is closed.
  const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
  let bytes = start;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => { bytes += chunk.length; onProgress?.(bytes, total); });
  try {
    await pipeline(body, out);
  } catch (err) {
    await closed;
    const syscall = (err as { syscall?: string }).syscall;
    if (errnoCode(err) !== undefined && (syscall === 'write' || syscall === 'open')) throw describeWriteError(err, part); // the disk, not the network
    throw new DownloadError(`${url}: connection lost after ${bytes} bytes (${(err as Error).message}); rerun to resume`);
  }
  if (total !== null && bytes !== total) throw new DownloadError(`${url}: got ${bytes} of ${total} bytes; rerun to resume`);
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming an existing part file with an HTTP Range
 * request (and automatically after a dropped connection, `retries` times). With `md5`, an existing
 * `dest` that matches is kept without downloading, and a finished download that does not match is
 * deleted and reported.
 */
export async function downloadFile(url: string, dest: string, options: DownloadFileOptions = {}): Promise<void> {
  const md5 = options.md5?.toLowerCase();
  if (fs.existsSync(dest) && (!md5 || (await md5File(dest)) === md5)) return;
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  const part = `${dest}.part`;
  const retries = options.retries ?? 3;
  for (let tryNo = 0; ; tryNo++) {
    try {
      await attempt(url, part, options.onProgress);
      break;
    } catch (err) {
      if (tryNo >= retries || !(err instanceof DownloadError) || /HTTP 4\d\d/.test(err.message)) throw err;
      await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 2000));
    }
  }
  if (md5) {
    const got = await md5File(part);
    if (got !== md5) {
      fs.rmSync(part, { force: true });
      throw new DownloadError(`${url}: MD5 mismatch (expected ${md5}, got ${got}); the download was deleted, rerun to fetch it again`);
    }
  }
  fs.renameSync(part, dest);
}

/**
 * Reads a `.tar.gz` archive to its end without writing anything (npm `tar` in strict mode): a truncated
 * or corrupt archive fails here, before extraction starts. With `prefix`, every entry must lie under it.
 * Returns the number of entries.
 */
export async function verifyTarGz(archive: string, prefix?: string): Promise<number> {
  let entries = 0;
  let outside: string | undefined;
  try {
    await list({
      file: archive, strict: true,
      onReadEntry: (e) => {
        entries++;
        if (prefix && !outside && !`${e.path}/`.startsWith(prefix)) outside = e.path;
      },
    });
  } catch (err) {
    throw new DownloadError(`${archive}: truncated or corrupt archive (${(err as Error).message}); nothing was extracted. Delete it and rerun`);
  }
  if (entries === 0) throw new DownloadError(`${archive}: empty or not a tar.gz archive; nothing was extracted. Delete it and rerun`);
  if (outside) throw new DownloadError(`${archive}: entry "${outside}" is outside ${prefix}; not the expected archive, nothing was extracted`);
  return entries;
}

/** Extracts a `.tar.gz` archive into `dir` (npm `tar`; paths are kept inside `dir`). */
export async function extractTarGz(archive: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  try {
    await extract({ file: archive, cwd: dir, strict: true });
  } catch (err) {
    throw new DownloadError(`${archive}: extraction failed (${(err as Error).message}); delete the archive and rerun`);
  }
}

/** Options of `downloadLibriSpeech`. */
export interface DownloadLibriSpeechOptions {
  /** Subset name, e.g. `test-clean`. */
  subset: string;
  /** Folder that receives `<subset>.tar.gz` and the extracted `LibriSpeech/<subset>/`. */
  dir: string;
  /** Base URL (default `OPENSLR_BASE_URL`); the archive URL is `<baseUrl>/<subset>.tar.gz`. */
  baseUrl?: string;
  /** Expected MD5 (default: the official one for `subset`). */
  md5?: string;
  /** Keep the archive after extraction (default false). */
  keepArchive?: boolean;
  /** Download progress. */
  onProgress?: DownloadProgress;
  /** See `DownloadFileOptions.retries`. */
  retries?: number;
  /** See `DownloadFileOptions.retryDelayMs`. */
  retryDelayMs?: number;
}

/**
 * Downloads, verifies (MD5, then the whole archive read through) and extracts one LibriSpeech subset; returns the subset folder
 * `<dir>/LibriSpeech/<subset>`. Does nothing when that folder already holds a completion marker.
 */
export async function downloadLibriSpeech(options: DownloadLibriSpeechOptions): Promise<string> {
  const { subset, dir } = options;
  const md5 = options.md5 ?? LIBRISPEECH_MD5[subset as LibriSpeechSubset];
  if (!md5) throw new LibriSpeechInputError(`unknown subset "${subset}"; expected one of ${LIBRISPEECH_SUBSETS.join(', ')} (or pass an md5)`);
  const target = path.join(dir, 'LibriSpeech', subset);
  const marker = path.join(target, '.speechkd-complete');
  if (fs.existsSync(marker)) return target;
  const archive = path.join(dir, `${subset}.tar.gz`);
  const url = `${(options.baseUrl ?? OPENSLR_BASE_URL).replace(/\/+$/, '')}/${subset}.tar.gz`;
  await downloadFile(url, archive, { md5, onProgress: options.onProgress, retries: options.retries, retryDelayMs: options.retryDelayMs });
  await verifyTarGz(archive, 'LibriSpeech/'); // the MD5 only says the bytes are the expected ones; this reads them through
  await extractTarGz(archive, dir);
  if (!fs.existsSync(target)) throw new DownloadError(`${archive}: archive did not contain LibriSpeech/${subset}/`);
  fs.writeFileSync(marker, `${url} md5 ${md5}\n`);
  if (!options.keepArchive) fs.rmSync(archive, { force: true });
  return target;
}
