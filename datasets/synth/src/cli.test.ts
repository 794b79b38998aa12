import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

function run(...args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@speechkd/source', cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('speechkd-synth CLI', () => {
  it('rejects an unknown preset with the list of presets', () => {
    const r = run('--preset', 'huge', '--out', '/tmp/never-created');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/UnknownPresetError: unknown preset "huge": use one of tiny, small, full/);
  });

  it('rejects unknown flags and bad numbers with the usage', () => {
    const bad = run('--preset', 'tiny', '--out', 'x', '--fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--fast'[\s\S]*usage: speechkd-synth/);
    const seed = run('--preset', 'tiny', '--out', 'x', '--seed', 'abc');
    expect(seed.status).toBe(2);
    expect(seed.stderr).toMatch(/--seed must be a non-negative integer/);
  });

  it('names the folder it cannot write', () => {
    const r = run('--preset', 'tiny', '--out', '/proc/speechkd-synth-test');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/OutputNotWritableError: cannot write the corpus to "\/proc\/speechkd-synth-test\/SynthLibri"/);
  });
});
