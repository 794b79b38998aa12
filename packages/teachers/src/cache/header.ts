import fs from 'node:fs';
import path from 'node:path';
import { CacheFingerprintError, CacheFormatError } from '../errors.js';
import { writeFileAtomic } from './chunk-files.js';
import { CACHE_FORMAT, HEADER_FILE, READABLE_CACHE_VERSIONS } from './format.js';
import type { CacheHeader } from './format.js';

/** Teacher fingerprints a reader or writer expects: the combined cache fingerprint, or per tower. */
export type ExpectedFingerprint = string | { speech?: string; text?: string };

/** Reads and validates `DIR/cache.json`. */
export function readHeader(dir: string): CacheHeader {
  const file = path.join(dir, HEADER_FILE);
  let h: CacheHeader;
  try {
    h = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheHeader;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CacheFormatError(
      code === 'ENOENT'
        ? `${dir}: no ${HEADER_FILE}; not a teacher cache (build one with \`speechkd-cache build --out ${dir}\`)`
        : `${file}: cannot read (${code ?? (err as Error).message})`,
    );
  }
  if (h.format !== CACHE_FORMAT) throw new CacheFormatError(`${file}: format "${String(h.format)}" is not "${CACHE_FORMAT}"`);
  if (!READABLE_CACHE_VERSIONS.includes(h.version)) {
    throw new CacheFormatError(`${file}: format version ${h.version}, this package handles ${READABLE_CACHE_VERSIONS.join(' and ')}; rebuild the cache with this version`);
  }
  return h;
}

function describe(h: CacheHeader): string {
  const s = h.speech ? `speech ${h.speech.name} [${h.speech.fingerprint.slice(0, 12)}] layers ${h.speech.layers.join(',')}` : 'no speech teacher';
  const t = h.text ? `text ${h.text.name} [${h.text.fingerprint.slice(0, 12)}] layers ${h.text.layers.join(',')}` : 'no text teacher';
  return `${s}; ${t}; ${h.dtype}`;
}

/** Throws CacheFingerprintError when `header` was not built by the expected teachers. */
export function checkFingerprint(dir: string, header: CacheHeader, expect: ExpectedFingerprint | undefined): void {
  if (expect === undefined) return;
  const problems: string[] = [];
  if (typeof expect === 'string') {
    if (expect !== header.fingerprint) problems.push(`cache fingerprint ${header.fingerprint}, expected ${expect}`);
  } else {
    if (expect.speech !== undefined && expect.speech !== header.speech?.fingerprint) {
      problems.push(`speech teacher ${header.speech?.fingerprint ?? '(none)'}, expected ${expect.speech}`);
    }
    if (expect.text !== undefined && expect.text !== header.text?.fingerprint) {
      problems.push(`text teacher ${header.text?.fingerprint ?? '(none)'}, expected ${expect.text}`);
    }
  }
  if (problems.length) {
    throw new CacheFingerprintError(
      `teacher cache ${dir} was built by other teachers (${problems.join('; ')}); it holds: ${describe(header)}. ` +
        'Rebuild it with `speechkd-cache build` for these teachers, or point to the matching cache.',
    );
  }
}

/** Writes `cache.json` for a new cache, or checks an existing one was built with the same teachers and config. */
export function ensureHeader(dir: string, header: CacheHeader): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, HEADER_FILE);
  if (!fs.existsSync(file)) {
    writeFileAtomic(file, JSON.stringify(header, null, 2) + '\n');
    return;
  }
  const existing = readHeader(dir);
  if (existing.fingerprint !== header.fingerprint) {
    throw new CacheFingerprintError(
      `--out ${dir} already holds a cache for other teachers or settings (${describe(existing)}); ` +
        `requested: ${describe(header)}. Use a new --out directory or delete the old cache.`,
    );
  }
}
