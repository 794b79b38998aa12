import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { CacheChecksumError } from '../errors.js';

interface Slot {
  handle: Promise<FileHandle>;
  users: number;
  evicted: boolean;
}

/** Positional reads through a small least-recently-used pool of open file handles. */
export class FilePool {
  private readonly slots = new Map<string, Slot>();
  /** Files opened so far (re-opens after eviction count again). */
  opened = 0;
  /** Bytes read so far. */
  bytesRead = 0;

  constructor(private readonly maxOpen: number) {}

  /** Reads `length` bytes at `offset` of `file` into a fresh, 8-byte aligned buffer. */
  async read(file: string, offset: number, length: number): Promise<Uint8Array> {
    let slot = this.slots.get(file);
    if (slot) {
      this.slots.delete(file); // re-insert: most recently used last
    } else {
      slot = { handle: fs.promises.open(file, 'r'), users: 0, evicted: false };
      this.opened++;
    }
    this.slots.set(file, slot);
    this.evict();
    slot.users++;
    try {
      const fh = await slot.handle;
      const buf = new Uint8Array(new ArrayBuffer(length));
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new CacheChecksumError(`${file}: ends at byte ${offset + got}, record needs ${offset + length}; truncated file`);
        got += bytesRead;
      }
      this.bytesRead += length;
      return buf;
    } finally {
      slot.users--;
      if (slot.evicted && slot.users === 0) void slot.handle.then((h) => h.close(), () => undefined);
    }
  }

  private evict(): void {
    for (const [file, slot] of this.slots) {
      if (this.slots.size <= this.maxOpen) break;
      this.slots.delete(file);
      slot.evicted = true;
      if (slot.users === 0) void slot.handle.then((h) => h.close(), () => undefined);
    }
  }

  /** Number of handles currently held open. */
  get openCount(): number {
    return this.slots.size;
  }

  /** Closes every handle. */
  async close(): Promise<void> {
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(all.map((s) => s.handle.then((h) => h.close(), () => undefined)));
  }
}
