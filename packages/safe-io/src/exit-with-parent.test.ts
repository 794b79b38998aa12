import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-orphan-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The parent-less case (no IPC channel: returns false) cannot run here: vitest's worker has a channel.
describe('exitWithParent', () => {
  it('a worker process whose parent is killed with SIGKILL exits between two steps and releases its lock', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../test/orphan-child.ts', import.meta.url)), 'parent', root], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) => parent.stdout.setEncoding('utf8').on('data', (d: string) => {
      const m = /child (\d+)/.exec(d);
      if (m) resolve(Number(m[1]));
    }));
    expect(fs.existsSync(path.join(root, 'train.lock'))).toBe(true);
    parent.kill('SIGKILL');
    const t0 = Date.now();
    while (alive(childPid) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(alive(childPid)).toBe(false);
    expect(fs.existsSync(path.join(root, 'train.lock'))).toBe(false);
  }, 30_000);
});
