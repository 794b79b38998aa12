import fs from 'node:fs';
import path from 'node:path';
import { CacheFormatError } from '../errors.js';
import { formatIndex, readChunkIndexes, writeFileAtomic } from './chunk-files.js';
import { MERGED_INDEX_FILE } from './format.js';
import type { IndexEntry } from './format.js';
import { readHeader } from './header.js';

/** Summary of a merge. */
export interface MergeResult {
  utterances: number;
  /** Bytes of record data referenced by the index. */
  bytes: number;
  audioSeconds: number;
  /** Ids found in more than one chunk (the first, in path order, is kept). */
  duplicates: string[];
  /** Ids of `expectIds` that the cache lacks (empty when `expectIds` was not given). */
  missing: string[];
}

/**
 * Combines the committed chunk indexes of every shard folder into `DIR/index.jsonl` (sorted by id),
 * after checking fingerprints and that every data file is long enough for its records.
 */
export function mergeCacheIndex(dir: string, options: { expectIds?: Iterable<string> } = {}): MergeResult {
  const header = readHeader(dir);
  const byId = new Map<string, IndexEntry>();
  const duplicates: string[] = [];
  const sizes = new Map<string, number>();
  let bytes = 0;
  let audioSeconds = 0;
  for (const e of readChunkIndexes(dir, header.fingerprint)) {
    if (byId.has(e.id)) {
      duplicates.push(e.id);
      continue;
    }
    let size = sizes.get(e.file);
    if (size === undefined) {
      try {
        size = fs.statSync(path.join(dir, e.file)).size;
      } catch {
        throw new CacheFormatError(`${path.join(dir, e.file)}: data file missing but its chunk index is committed; delete the index to recompute`);
      }
      sizes.set(e.file, size);
    }
    if (e.offset + e.length > size) {
      throw new CacheFormatError(`${path.join(dir, e.file)}: ${size} bytes, too short for "${e.id}" (ends at ${e.offset + e.length}); truncated copy?`);
    }
    byId.set(e.id, e);
    bytes += e.length;
    audioSeconds += e.duration;
  }
  const entries = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  writeFileAtomic(path.join(dir, MERGED_INDEX_FILE), formatIndex(header.fingerprint, entries));
  const missing: string[] = [];
  for (const id of options.expectIds ?? []) if (!byId.has(id)) missing.push(id);
  return { utterances: entries.length, bytes, audioSeconds, duplicates, missing };
}
