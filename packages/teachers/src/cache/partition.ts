import { createHash } from 'node:crypto';
import { TeachersArgumentError } from '../errors.js';

/** One machine's part of a corpus: utterances whose id hashes to `index` modulo `count`. */
export interface ShardSpec {
  /** Zero-based shard index, `0 <= index < count`. */
  index: number;
  /** Number of shards the corpus is split into. */
  count: number;
}

/** Parses `i/N` (zero-based `i`), e.g. `--shard 2/8`. */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new TeachersArgumentError(`--shard "${text}": expected i/N with 0 <= i < N, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) {
    throw new TeachersArgumentError(`--shard "${text}": index ${index} is outside 0..${count - 1}; shards are numbered from 0`);
  }
  return { index, count };
}

/** Deterministic shard of an utterance id: first 4 bytes of sha1(id) modulo `count` (same on every machine). */
export function shardOfId(id: string, count: number): number {
  if (count === 1) return 0;
  return createHash('sha1').update(id).digest().readUInt32BE(0) % count;
}

/** Folder name of a shard inside the cache directory, e.g. `shard-2-of-8`. */
export function shardDirName(spec: ShardSpec): string {
  return `shard-${spec.index}-of-${spec.count}`;
}
