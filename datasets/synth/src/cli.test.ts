import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

function run(...args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@speechkd/source', cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('speechkd-synth CLI', () => {
  it('lists every bad setting at once, naming the allowed values, and writes nothing', () => {
    const r = run('--preset', 'huge', '--out', '/tmp/never-created-by-speechkd-synth', '--seed', 'abc', '--workers=-1', '--limit', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe([
      'speechkd-synth: 4 problems with the settings:',
      '  --preset: must be one of tiny, small, full (got "huge")',
      '  --seed: must be an integer from 0 to 4294967295 (got "abc")',
      '  --workers: must be an integer from 0 to 256 (got "-1")',
      '  --limit: must be an integer >= 1 (got "0")',
      '(speechkd-synth --help shows the usage)',
      '',
    ].join('\n'));
    expect(fs.existsSync('/tmp/never-created-by-speechkd-synth')).toBe(false);
  });

  it('rejects unknown flags with the usage', () => {
    const bad = run('--preset', 'tiny', '--out', 'x', '--fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^speechkd-synth: Unknown option '--fast'[\s\S]*usage: speechkd-synth/);
  });

  it('names the folder it cannot write and the cause', () => {
    const r = run('--preset', 'tiny', '--out', '/proc/speechkd-synth-test');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^speechkd-synth: --out: \/proc\/speechkd-synth-test: cannot write here: the file system refused to create anything in \/proc/);
  });
});
