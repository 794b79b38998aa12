import fs from 'node:fs';
import path from 'node:path';
import { mountTmpfs } from '@speechkd/fixtures';
import type { Tmpfs } from '@speechkd/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrownOutputError } from './thrown.js';
import { AtomicFile, checkOutputDir, prepareOutputDir, SettingsCheck, SettingsError, writeDirAtomicSync, writeFileAtomic } from '../src/index.js';

// A 256 KiB tmpfs, filled or remounted read-only: the causes the user must be told in plain words.
const mounted = mountTmpfs(256);
const skip = typeof mounted === 'string' ? mounted : '';
if (skip) console.warn(`safe-io: skipping the disk-full and read-only cases: ${skip}`);

const caught = thrownOutputError;

describe.skipIf(Boolean(skip))('full and read-only disks (tmpfs)', () => {
  let fs0: Tmpfs;
  beforeAll(() => {
    fs0 = mounted as Tmpfs;
  });
  afterAll(() => fs0?.unmount());

  it('disk full: a write that runs out of space says so and leaves no temp file; the check refuses up front', () => {
    const big = new Uint8Array(512 * 1024);
    const target = path.join(fs0.dir, 'out', 'big.bin');
    const e = caught(() => writeFileAtomic(target, big));
    expect(e.problem).toBe('no-space');
    expect(e.message).toBe(`${target}: cannot write here: no space left on the device (ENOSPC); free some space or choose another disk`);
    expect(fs.readdirSync(path.join(fs0.dir, 'out'))).toEqual([]);
    const streamed = AtomicFile.open(path.join(fs0.dir, 'stream.bin'));
    expect(() => { for (let i = 0; i < 100; i++) streamed.write(new Uint8Array(64 * 1024)); }).toThrow(/no space left/);
    expect(fs.existsSync(streamed.tempPath)).toBe(false);
    expect(() => writeDirAtomicSync(path.join(fs0.dir, 'ckpt'), (d) => fs.writeFileSync(path.join(d, 'w.bin'), big))).toThrow(/no space left/);
    expect(fs.readdirSync(fs0.dir).sort()).toEqual(['out']);
    fs0.fill();
    expect(caught(() => checkOutputDir(path.join(fs0.dir, 'new'), { flag: '--out' })).message).toBe(
      `--out ${path.join(fs0.dir, 'new')}: cannot write here: no space left on the device (the disk is full); free some space or choose another disk`,
    );
    fs.rmSync(path.join(fs0.dir, 'filler'));
  });

  it('read-only: checks, mkdir -p and writes say "read-only", not ENOENT', () => {
    fs0.readOnly();
    const deep = path.join(fs0.dir, 'a', 'b');
    expect(caught(() => checkOutputDir(deep)).problem).toBe('read-only');
    expect(caught(() => prepareOutputDir(deep, { flag: '--out' })).message).toBe(`--out ${deep}: cannot write here: the file system is read-only (EROFS); choose a folder on a writable disk`);
    const e = caught(() => writeFileAtomic(path.join(deep, 'x.txt'), 'x'));
    expect([e.problem, e.code]).toEqual(['read-only', 'EROFS']);
    const s = new SettingsCheck();
    s.outputFile('--details', path.join(deep, 'd.txt'));
    expect(() => s.done()).toThrow(SettingsError);
    expect(() => s.done()).toThrow(/--details: .*the file system is read-only/);
  });
});
