import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** sha1 (hex) over byte arrays and strings in order, each prefixed by its length so boundaries count. */
export function sha1Parts(parts: ReadonlyArray<Uint8Array | string>): string {
  const h = createHash('sha1');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    h.update(`${b.byteLength}:`);
    h.update(b);
  }
  return h.digest('hex');
}

/** sha1 (hex) of a file's bytes, streamed (weights files can be hundreds of MB). */
export async function sha1File(file: string): Promise<string> {
  const h = createHash('sha1');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
