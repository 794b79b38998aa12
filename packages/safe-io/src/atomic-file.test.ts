import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFile, removeStaleTemps, tempPathFor, TEMP_NAME_PATTERN, writeFileAtomic, writeJsonAtomic } from './atomic-file.js';
import { OutputPathError } from './output-path-error.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-atomic-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('atomic files', () => {
  it('writeFileAtomic replaces a file whole, creates its folder and leaves no temp file', () => {
    const file = path.join(tmp, 'new', 'dir', 'a.txt');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, new Uint8Array([104, 105]));
    expect(fs.readFileSync(file, 'utf8')).toBe('hi');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.txt']);
  });

  it('writeJsonAtomic writes indented JSON with a final newline', () => {
    const file = path.join(tmp, 'v.json');
    writeJsonAtomic(file, { a: [1] }, { indent: 1, fsync: true });
    expect(fs.readFileSync(file, 'utf8')).toBe('{\n "a": [\n  1\n ]\n}\n');
  });

  it('a failed rename (the target is a folder) removes the temp file and names the target', () => {
    const dir = path.join(tmp, 'is-dir');
    fs.mkdirSync(path.join(dir, 'child'), { recursive: true });
    let err: unknown;
    try {
      writeFileAtomic(dir, 'x', { flag: '--details' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputPathError);
    expect((err as OutputPathError).problem).toBe('is-a-directory');
    expect((err as OutputPathError).message).toMatch(/^--details .*is-dir: cannot write here: .*is a folder, not a file/);
    expect(fs.readdirSync(tmp).filter((n) => TEMP_NAME_PATTERN.test(n))).toEqual([]);
  });

  it('a parent that is a file: not-a-directory, nothing created', () => {
    const file = path.join(tmp, 'blocker');
    fs.writeFileSync(file, '');
    expect(() => writeFileAtomic(path.join(file, 'x', 'y.txt'), 'z')).toThrow(/blocker is a file, not a folder/);
  });

  it('AtomicFile streams, abort() drops the temp file, and temp names are unique and recognizable', () => {
    const target = path.join(tmp, 'stream.bin');
    const f = AtomicFile.open(target);
    f.write('ab');
    f.write(new Uint8Array([99]));
    expect(fs.existsSync(f.tempPath)).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    f.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('abc');
    const g = AtomicFile.open(target);
    g.write('zzz');
    g.abort();
    g.abort();
    expect(fs.readFileSync(target, 'utf8')).toBe('abc');
    expect(fs.existsSync(g.tempPath)).toBe(false);
    expect(() => g.write('late')).toThrow(/write after commit or abort/);
    const a = tempPathFor(target);
    expect(a).not.toBe(tempPathFor(target));
    expect(TEMP_NAME_PATTERN.test(path.basename(a))).toBe(true);
    expect(TEMP_NAME_PATTERN.test('x.wav.tmp-123')).toBe(true);
    expect(TEMP_NAME_PATTERN.test('x.tmp-file.txt')).toBe(false);
  });

  it('removeStaleTemps deletes only temp names, recursively', () => {
    const dir = path.join(tmp, 'stale');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'keep.wav'), '');
    fs.writeFileSync(path.join(dir, 'sub', 'x.wav.tmp-12-0-3'), '');
    fs.writeFileSync(path.join(dir, 'y.json.tmp-99'), '');
    expect(removeStaleTemps(dir)).toBe(2);
    expect(fs.readdirSync(dir, { recursive: true }).sort()).toEqual(['keep.wav', 'sub']);
  });
});
