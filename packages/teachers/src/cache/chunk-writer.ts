import path from 'node:path';
import { AtomicFile } from '@speechkd/safe-io';
import { chunkNames, formatIndex, writeFileAtomic } from './chunk-files.js';
import type { IndexEntry } from './format.js';
import type { EncodedRecord } from './record.js';

/**
 * Appends records to a temp data file; `commit()` makes the chunk durable (fsync, rename) and only then
 * writes its index (temp, fsync, rename). A crash before the index rename leaves no committed trace.
 */
export class ChunkWriter {
  readonly seq: number;
  private readonly data: AtomicFile;
  private readonly dataFile: string;
  private readonly indexFile: string;
  private readonly relData: string;
  private entries: IndexEntry[] = [];
  private bytes = 0;

  /** Opens chunk `seq` of `writer` (omitted in merged folders) in `shardDir`; `relShard` is that folder relative to the cache directory. */
  constructor(shardDir: string, relShard: string, seq: number, private readonly fingerprint: string, writer?: string) {
    this.seq = seq;
    const names = chunkNames(seq, writer);
    this.dataFile = path.join(shardDir, names.data);
    this.indexFile = path.join(shardDir, names.index);
    this.relData = `${relShard}/${names.data}`;
    this.data = AtomicFile.open(this.dataFile, { fsync: true });
  }

  /** Number of records appended. */
  get count(): number {
    return this.entries.length;
  }

  /** Bytes appended. */
  get size(): number {
    return this.bytes;
  }

  /** Appends one utterance's record. */
  append(id: string, duration: number, rec: EncodedRecord): void {
    this.data.write(rec.bytes);
    this.entries.push({ id, file: this.relData, offset: this.bytes, length: rec.bytes.byteLength, crc32: rec.crc32, duration, tensors: rec.tensors });
    this.bytes += rec.bytes.byteLength;
  }

  /** Makes the data durable, then commits the index; returns the committed entries. */
  commit(): IndexEntry[] {
    this.data.commit();
    writeFileAtomic(this.indexFile, formatIndex(this.fingerprint, this.entries));
    return this.entries;
  }

  /** Drops an unfinished chunk (after an error). */
  abort(): void {
    this.data.abort();
  }
}
