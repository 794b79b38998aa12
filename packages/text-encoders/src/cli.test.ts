import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';

async function run(...argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(argv, () => {}, (t) => { err += t; });
  return { code, err };
}

describe('speechkd-text-tower CLI', () => {
  it('rejects bad flags and commands with exit code 2 and a message naming them', async () => {
    expect(await run('train', '--out', '/tmp/x', '--steps', '5', '--bogus')).toMatchObject({ code: 2, err: expect.stringMatching(/^speechkd-text-tower: Unknown option '--bogus'/) });
    expect(await run('fly')).toMatchObject({ code: 2, err: expect.stringMatching(/^speechkd-text-tower: unknown command "fly"/) });
  });

  it('lists every bad setting at once before training, and creates no output folder', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tower-cli-'));
    const out = path.join(tmp, 'never');
    const r = await run('train', '--out', out, '--steps', '0', '--lr=-1', '--preset', 'huge', '--batch-size', '0', '--hidden', '30', '--heads', '4',
      '--mask-prob', '1.5', '--exclude', path.join(tmp, 'no-such.jsonl'), '--tokenizer', tmp);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'speechkd-text-tower: 7 problems with the settings:',
      '  --steps: must be an integer >= 1 (got "0")',
      '  --batch-size: must be an integer >= 1 (got "0")',
      '  --preset: must be one of tiny, small (got "huge")',
      '  --lr: must be a number > 0 and <= 1 (got "-1")',
      '  --mask-prob: must be a number > 0 and < 1 (got "1.5")',
      `  --exclude: ${path.join(tmp, 'no-such.jsonl')}: no such file`,
      `  --tokenizer: tokenizer directory ${tmp} lacks tokenizer.json, tokenizer_config.json; copy the tokenizer files of the checkpoint there (e.g. from the model's Hub page)`,
      '(speechkd-text-tower --help shows the usage)',
      '',
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a missing --out and --steps, and a read-only/file --out, are refused up front', async () => {
    expect(await run('train')).toMatchObject({ code: 2, err: expect.stringContaining('--steps: is required (an integer >= 1)\n  --out: is required (give a path to write to)') });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tower-cli-')), 'f');
    fs.writeFileSync(file, '');
    expect(await run('train', '--out', file, '--steps', '2')).toMatchObject({ code: 2, err: expect.stringContaining(`--out: ${file}: cannot write here: ${file} is a file, not a folder`) });
    expect(await run('train', '--out', path.join(file, 'sub'), '--steps', '2', '--hidden', '30', '--heads', '4')).toMatchObject({
      code: 2, err: expect.stringContaining('--heads: hidden size 30 must be divisible by the number of heads 4'),
    });
  });
});
