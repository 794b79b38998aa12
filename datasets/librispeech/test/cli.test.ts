import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT, compiledCli } from '@speechkd/fixtures';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../src/index.js';

// The CLI runs compiled (node dist/cli.js, as users run it).
const CLI = compiledCli(path.join(import.meta.dirname, '..'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('speechkd-librispeech CLI', () => {
  it('manifest writes a JSONL manifest and prints a summary', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ls-cli-')), 'dev-clean.jsonl');
    const r = run('manifest', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'dev-clean', '--out', out);
    expect(r.stderr.replace(/^headers.*\n/gm, '')).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/dev-clean\.jsonl: 1 utterances/);
    expect(readManifest(out)[0]).toMatchObject({ id: '2412-153948-0000', speaker: '2412', chapter: '153948' });
  });

  it('unknown flags and commands fail with exit code 2 and the usage', () => {
    const r = run('manifest', '--root', 'x', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'/);
    expect(r.stderr).toMatch(/usage:/);
    expect(run('frobnicate').status).toBe(2);
  });

  it('a wrong subset is a settings problem (exit 2, listing what exists); layout errors exit 1 with the file and line, writing nothing', () => {
    const r = run('manifest', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'nope', '--out', path.join(os.tmpdir(), 'x.jsonl'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^speechkd-librispeech: --subset: no subset "nope" under .*; found: dev-clean, test-clean, test-other$/m);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-cli-bad-'));
    fs.cpSync(path.join(LIBRISPEECH_SAMPLE_ROOT, 'dev-clean'), path.join(root, 'dev-clean'), { recursive: true });
    const trans = path.join(root, 'dev-clean', '2412', '153948', '2412-153948.trans.txt');
    fs.appendFileSync(trans, 'NOT AN ID LINE\n');
    const out = path.join(root, 'out', 'dev.jsonl');
    const bad = run('manifest', '--root', root, '--subset', 'dev-clean', '--out', out);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`speechkd-librispeech: ${trans}:2: expected "<speaker>-<chapter>-<n> TEXT"`);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  });
});
