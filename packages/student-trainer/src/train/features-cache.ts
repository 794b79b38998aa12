import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { decodeAudioFile } from '@speechkd/audio-features';
import { AtomicFile, writeFileAtomic } from '@speechkd/safe-io';
import type { ManifestEntry } from '@speechkd/librispeech';
import { computeFeatures, FEATURE_BINS } from '@speechkd/recognizer';

/** Raw (un-normalized) fbank features of one utterance. */
export interface CachedFeatures {
  id: string;
  frames: number;
  /** Row-major [frames, 80]. */
  data: Float32Array;
}

interface CacheIndex {
  key: string;
  ids: string[];
  frames: number[];
}

/** Hash of the entries and feature settings, so a stale cache is never reused. */
function cacheKey(entries: readonly ManifestEntry[]): string {
  const h = createHash('sha256');
  h.update(`fbank${FEATURE_BINS}-v1\n`);
  for (const e of entries) h.update(`${e.id}\t${e.audio}\t${e.duration}\n`);
  return h.digest('hex').slice(0, 16);
}

/**
 * Features of every entry, computed once and cached on disk as `<file>.bin` + `<file>.json`
 * (written atomically); later runs and resumed runs read the cache. `onProgress(done, total)` reports.
 */
export async function loadFeatures(
  entries: readonly ManifestEntry[],
  cacheFile: string,
  onProgress?: (done: number, total: number) => void,
): Promise<CachedFeatures[]> {
  const key = cacheKey(entries);
  const indexFile = `${cacheFile}.json`;
  const binFile = `${cacheFile}.bin`;
  if (fs.existsSync(indexFile) && fs.existsSync(binFile)) {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as CacheIndex;
    if (index.key === key) {
      const buf = fs.readFileSync(binFile);
      const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      let off = 0;
      return index.ids.map((id, i) => {
        const n = index.frames[i] * FEATURE_BINS;
        const data = all.subarray(off, off + n);
        off += n;
        return { id, frames: index.frames[i], data };
      });
    }
  }
  const out: CachedFeatures[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const audio = await decodeAudioFile(e.audio);
    const f = computeFeatures(audio.samples, audio.sampleRate);
    out.push({ id: e.id, frames: f.numFrames, data: f.data });
    onProgress?.(i + 1, entries.length);
  }
  const bin = AtomicFile.open(binFile);
  for (const u of out) bin.write(new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.byteLength));
  bin.commit();
  const index: CacheIndex = { key, ids: out.map((u) => u.id), frames: out.map((u) => u.frames) };
  writeFileAtomic(indexFile, JSON.stringify(index));
  return out;
}
