import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputFile, freeBytes, makeDirs, prepareOutputDir, prepareOutputFile } from './output-path.js';
import { describeWriteError } from './output-path-error.js';
import type { OutputPathError } from './output-path-error.js';
import { thrownOutputError } from '../test/thrown.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-path-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const thrown = thrownOutputError;

describe('output paths', () => {
  it('checkOutputDir accepts an existing folder and a missing one under a writable folder, creating nothing', () => {
    expect(checkOutputDir(tmp)).toBe(tmp);
    const deep = path.join(tmp, 'a', 'b', 'c');
    expect(checkOutputDir(deep)).toBe(deep);
    expect(fs.existsSync(path.join(tmp, 'a'))).toBe(false);
  });

  it('a file where a folder should be: is-a-file, or not-a-directory when it is further up; the flag leads the message', () => {
    const file = path.join(tmp, 'plain.txt');
    fs.writeFileSync(file, 'x');
    const e1 = thrown(() => checkOutputDir(file, { flag: '--out' }));
    expect([e1.problem, e1.flag, e1.path]).toEqual(['is-a-file', '--out', file]);
    expect(e1.message).toBe(`--out ${file}: cannot write here: ${file} is a file, not a folder; choose a folder path or remove the file`);
    const e2 = thrown(() => checkOutputDir(path.join(file, 'sub', 'dir')));
    expect(e2.problem).toBe('not-a-directory');
    expect(e2.message).toMatch(/plain\.txt is a file, not a folder$/);
    const e3 = thrown(() => checkOutputFile(path.join(file, 'x.json')));
    expect(e3.problem).toBe('is-a-file');
  });

  it('checkOutputFile refuses a folder and accepts an existing file (atomic writes replace it)', () => {
    expect(thrown(() => checkOutputFile(tmp, { flag: '--details' })).problem).toBe('is-a-directory');
    const file = path.join(tmp, 'exists.txt');
    fs.writeFileSync(file, 'old');
    expect(checkOutputFile(file)).toBe(file);
  });

  it('needBytes beyond the free space is no-space, with both sizes in MiB', () => {
    const free = freeBytes(tmp);
    expect(free === null || free > 0).toBe(true);
    if (free === null) return;
    const e = thrown(() => checkOutputDir(tmp, { needBytes: free * 4 + 2 ** 40 }));
    expect(e.problem).toBe('no-space');
    expect(e.message).toMatch(/no space left on the device \(\d+\.\d MiB free, \d+\.\d MiB needed\)/);
  });

  it('prepareOutputDir and prepareOutputFile create the folders and leave no probe behind', () => {
    const dir = path.join(tmp, 'made', 'here');
    expect(prepareOutputDir(dir)).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
    const file = path.join(tmp, 'made2', 'f.txt');
    prepareOutputFile(file);
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    makeDirs(dir); // an existing folder is fine
  });

  it('a folder without write permission is permission-denied (skipped as root, who may write anyway)', () => {
    if (process.getuid?.() === 0) return;
    const locked = path.join(tmp, 'locked');
    fs.mkdirSync(locked, { mode: 0o555 });
    expect(thrown(() => checkOutputDir(path.join(locked, 'x'))).problem).toBe('permission-denied');
  });

  it('describeWriteError names the real cause and leaves other errors alone', () => {
    const e = describeWriteError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }), '/x/y.bin', { flag: '--out' });
    expect((e as OutputPathError).message).toBe('--out /x/y.bin: cannot write here: no space left on the device (ENOSPC); free some space or choose another disk');
    const plain = new TypeError('boom');
    expect(describeWriteError(plain, '/x')).toBe(plain);
    const missing = describeWriteError(Object.assign(new Error('ENOENT'), { code: 'ENOENT', syscall: 'open' }), path.join(tmp, 'plain.txt', 'f'));
    expect((missing as OutputPathError).problem).toBe('is-a-file');
  });
});
