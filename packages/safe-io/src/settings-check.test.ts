import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SettingsError } from './cli-errors.js';
import { SettingsCheck } from './settings-check.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-settings-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function problems(s: SettingsCheck): string[] {
  try {
    s.done();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as SettingsError).problems.map((p) => `${p.flag}: ${p.problem}`);
  }
  return [];
}

describe('SettingsCheck', () => {
  it('parses good values and defaults', () => {
    const s = new SettingsCheck();
    expect(s.int('--n', '12', { min: 1 })).toBe(12);
    expect(s.int('--n', undefined, { min: 1, default: 4 })).toBe(4);
    expect(s.number('--lr', '1e-3', { above: 0 })).toBe(0.001);
    expect(s.choice('--f', 'trn', ['kaldi', 'trn'] as const, 'kaldi')).toBe('trn');
    expect(s.choice('--f', undefined, ['kaldi', 'trn'] as const, 'kaldi')).toBe('kaldi');
    expect(s.required('--ref', 'r.txt')).toBe('r.txt');
    expect(problems(s)).toEqual([]);
  });

  it('collects every problem, naming the flag and the allowed values', () => {
    const s = new SettingsCheck();
    expect(s.int('--steps', '0', { min: 1 })).toBeUndefined();
    s.int('--batch', '2.5', { min: 1, max: 64 });
    s.int('--limit', '', {});
    s.int('--need', undefined, { min: 1, required: true });
    s.number('--lr', '-1', { above: 0 });
    s.number('--p', 'abc', { min: 0, max: 1 });
    s.choice('--format', 'ctm', ['kaldi', 'trn']);
    s.required('--ref', undefined, 'a transcript file');
    s.input('--hyp', path.join(tmp, 'missing.txt'));
    s.input('--root', path.join(tmp), { kind: 'file' });
    s.check('--engine', false, 'applies to --model only');
    expect(problems(s)).toEqual([
      '--steps: must be an integer >= 1 (got "0")',
      '--batch: must be an integer from 1 to 64 (got "2.5")',
      '--limit: must be an integer (got "")',
      '--need: is required (an integer >= 1)',
      '--lr: must be a number > 0 (got "-1")',
      '--p: must be a number from 0 to 1 (got "abc")',
      '--format: must be one of kaldi, trn (got "ctm")',
      '--ref: is required (give a transcript file)',
      `--hyp: ${path.join(tmp, 'missing.txt')}: no such file`,
      `--root: ${tmp} is a folder, not a file`,
      '--engine: applies to --model only',
    ]);
  });

  it('attempt: a typed error from loading what a setting names becomes its problem; a bug is rethrown', async () => {
    class ManifestError extends Error {
      override name = 'ManifestError';
    }
    const s = new SettingsCheck();
    expect(await s.attempt('--manifest', () => 42)).toBe(42);
    expect(await s.attempt('--manifest', async () => { throw new ManifestError('--manifest m.jsonl:3: not JSON'); })).toBeUndefined();
    expect(await s.attempt('--model', () => { throw new ManifestError('/m/model.json: cannot read'); })).toBeUndefined();
    await expect(s.attempt('--x', () => { throw new TypeError('bug'); })).rejects.toThrow(TypeError);
    expect(problems(s)).toEqual(['--manifest: m.jsonl:3: not JSON', '--model: /m/model.json: cannot read']);
  });

  it('output paths are checked at once but created only by a done() without problems', () => {
    const blocker = path.join(tmp, 'blocker');
    fs.writeFileSync(blocker, '');
    const bad = new SettingsCheck();
    const outA = path.join(tmp, 'out-a');
    bad.outputDir('--out', outA);
    bad.outputDir('--cache', blocker);
    bad.int('--n', 'x');
    expect(problems(bad)).toEqual([
      `--cache: ${blocker}: cannot write here: ${blocker} is a file, not a folder; choose a folder path or remove the file`,
      '--n: must be an integer (got "x")',
    ]);
    expect(fs.existsSync(outA)).toBe(false);
    const good = new SettingsCheck();
    const file = path.join(tmp, 'out-b', 'sub', 'details.txt');
    expect(good.outputDir('--out', outA)).toBe(outA);
    expect(good.outputFile('--details', file)).toBe(file);
    good.outputDir('--none', undefined);
    good.done();
    expect(fs.statSync(outA).isDirectory()).toBe(true);
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
    const req = new SettingsCheck();
    req.outputDir('--out', undefined, { required: true });
    expect(problems(req)).toEqual(['--out: is required (give a path to write to)']);
  });
});
