import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DirLockedError, lockDir } from './dir-lock.js';
import type { LockHolder } from './dir-lock.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-io-lock-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const CHILD = fileURLToPath(new URL('../test/lock-child.ts', import.meta.url));
const childArgs = (dir: string, mode: string) => ['--import', 'tsx', CHILD, dir, mode];

function folder(name: string): string {
  const d = path.join(root, name);
  fs.mkdirSync(d);
  return d;
}

function writeLock(dir: string, h: Partial<LockHolder>): string {
  const file = path.join(dir, 'train.lock');
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: 'node cli.js train', ...h }));
  return file;
}

function thrown(fn: () => unknown): DirLockedError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DirLockedError);
    return err as DirLockedError;
  }
  throw new Error('expected a DirLockedError');
}

/** A process id that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const opts = { name: 'train.lock', purpose: 'training', log: () => undefined };

describe('lockDir', () => {
  it('writes pid, host, start time and command; a second lock in the same process is refused; release removes it', () => {
    const dir = folder('own');
    const lock = lockDir(dir, opts);
    const holder = JSON.parse(fs.readFileSync(lock.file, 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(Date.now() - Date.parse(holder.startedAt)).toBeLessThan(60_000);
    expect(holder.command).toContain(path.basename(process.argv[1]));
    expect(thrown(() => lockDir(dir, opts)).message).toMatch(/this process is already training here \(lock .*train\.lock\)/);
    lock.release();
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
    lockDir(dir, opts).release();
  });

  it('refuses a folder a live process holds, naming it, its start and how to recover', () => {
    const dir = folder('live');
    const file = writeLock(dir, { pid: process.ppid, startedAt: new Date(Date.now() + 60_000).toISOString() });
    const err = thrown(() => lockDir(dir, opts));
    expect(err.message).toMatch(new RegExp(`process ${process.ppid} \\(node cli\\.js train\\) is already training here since .*; wait for it to finish or stop it; if it no longer runs, delete .*train\\.lock`));
    expect(err.holder.pid).toBe(process.ppid);
    expect(fs.existsSync(file)).toBe(true);
    writeLock(dir, { pid: 1, host: 'elsewhere' });
    expect(thrown(() => lockDir(dir, opts)).message).toMatch(/locked by process 1 on host elsewhere since/);
  });

  it('takes over the lock of a dead process, of a reused pid and an old unreadable one, with a message', () => {
    const dir = folder('stale');
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const dead = deadPid();
    writeLock(dir, { pid: dead });
    lockDir(dir, { ...opts, log }).release();
    expect(lines.pop()).toMatch(new RegExp(`taking over the lock train\\.lock of process ${dead} since .*: process ${dead} is no longer running`));
    // This process's own pid in a lock taken before it started: a restarted container reuses pids.
    writeLock(dir, { startedAt: new Date(Date.now() - 3600_000 - process.uptime() * 1000).toISOString() });
    lockDir(dir, { ...opts, log }).release();
    expect(lines.pop()).toMatch(/pid \d+ now belongs to this process/);
    if (fs.existsSync('/proc/self/stat')) {
      writeLock(dir, { pid: process.ppid, startedAt: '2001-01-01T00:00:00.000Z' });
      lockDir(dir, { ...opts, log }).release();
      expect(lines.pop()).toMatch(/now belongs to a process started after the lock was taken/);
    }
    const torn = path.join(dir, 'train.lock');
    fs.writeFileSync(torn, '{"pid": 12');
    expect(thrown(() => lockDir(dir, opts)).message).toMatch(/another process is already training here/);
    fs.utimesSync(torn, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    lockDir(dir, { ...opts, log }).release();
    expect(lines.pop()).toMatch(/of an unknown process: the lock file does not parse/);
  });

  it('a process that exits (or dies of an error) releases its lock; one killed with SIGKILL leaves it to be taken over', async () => {
    const dir = folder('child');
    for (const mode of ['exit', 'throw']) {
      const r = spawnSync(process.execPath, childArgs(dir, mode), { encoding: 'utf8' });
      expect(r.stdout, r.stderr).toBe('locked\n');
      expect(r.status).toBe(mode === 'exit' ? 3 : 1);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    const child = spawn(process.execPath, childArgs(dir, 'hold'), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(thrown(() => lockDir(dir, opts)).message).toContain(`process ${child.pid} (`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const lines: string[] = [];
    lockDir(dir, { ...opts, log: (l) => lines.push(l) }).release();
    expect(lines).toEqual([expect.stringMatching(new RegExp(`process ${child.pid} is no longer running`))]);
  }, 30_000);
});
