import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** Every file under `dir` (relative path -> bytes). */
export function fileTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(dir, path.join(e.parentPath, e.name)), fs.readFileSync(path.join(e.parentPath, e.name)));
  }
  return out;
}

/** `dir` holds the same files as `reference`, byte for byte (a cache built two ways). */
export function expectSameTree(dir: string, reference: string): void {
  const [a, b] = [fileTree(dir), fileTree(reference)];
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, v] of a) expect(v.equals(b.get(k)!), `${k} differs`).toBe(true);
}
