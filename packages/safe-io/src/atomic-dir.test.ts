import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceDir, writeDirAtomic, writeDirAtomicSync } from './atomic-dir.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-dir-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('atomic folders', () => {
  it('writeDirAtomicSync builds a folder and replaces an existing one whole', () => {
    const dest = path.join(tmp, 'ckpt', 'step-1');
    writeDirAtomicSync(dest, (d) => fs.writeFileSync(path.join(d, 'a'), '1'));
    writeDirAtomicSync(dest, (d) => fs.writeFileSync(path.join(d, 'b'), '2'));
    expect(fs.readdirSync(dest)).toEqual(['b']);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['step-1']);
  });

  it('a failing fill removes the temp folder, keeps the old folder and rethrows', async () => {
    const dest = path.join(tmp, 'keep');
    writeDirAtomicSync(dest, (d) => fs.writeFileSync(path.join(d, 'old'), ''));
    expect(() => writeDirAtomicSync(dest, () => { throw new RangeError('fill failed'); })).toThrow('fill failed');
    await expect(writeDirAtomic(dest, async (d) => { fs.writeFileSync(path.join(d, 'half'), ''); throw new Error('async fill failed'); })).rejects.toThrow('async fill failed');
    expect(fs.readdirSync(tmp).sort()).toEqual(['ckpt', 'keep']);
    expect(fs.readdirSync(dest)).toEqual(['old']);
    await writeDirAtomic(dest, async (d) => fs.writeFileSync(path.join(d, 'new'), ''));
    expect(fs.readdirSync(dest)).toEqual(['new']);
  });

  it('replaceDir moves a finished folder into place when there is none yet', () => {
    const src = path.join(tmp, 'built');
    fs.mkdirSync(src);
    replaceDir(src, path.join(tmp, 'placed'));
    expect(fs.existsSync(src)).toBe(false);
    expect(fs.statSync(path.join(tmp, 'placed')).isDirectory()).toBe(true);
  });
});
