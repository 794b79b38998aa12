import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CacheLockedError } from '../errors.js';
import { writeFileAtomic } from './chunk-files.js';

/** What a lock file says about its holder; `beat` grows while the holder lives. */
export interface LockHolder {
  writer: string;
  host: string;
  pid: number;
  beat: number;
  started: string;
}

/** Options of `acquireShardLock`. */
export interface ShardLockOptions {
  /** Lock file name inside the folder (default `LOCK`). */
  name?: string;
  /** How often the holder bumps its heartbeat (default 10 s). */
  heartbeatMs?: number;
  /** A holder whose heartbeat has not moved for this long is taken for dead (default 6 heartbeats). */
  staleMs?: number;
  /** Wait for a live holder (default true); false throws CacheLockedError at once. */
  wait?: boolean;
  /** Told every `staleMs` while waiting for a live holder. */
  onWait?: (holder: LockHolder, waitedMs: number) => void;
}

/** A held lock. */
export interface ShardLock {
  readonly holder: LockHolder;
  /** The dead or stale holder this lock was taken over from (its leftover files can go), or null. */
  readonly tookOverFrom: LockHolder | null;
  /** True once another writer replaced this lock (it judged us dead): writing stays safe, but the work may be done twice. */
  lost(): boolean;
  release(): void;
}

/**
 * A writer id that no other process on any machine shares: host, pid and random bytes (the pid alone is not
 * enough: every container's first process is pid 1, and a replacement Kubernetes pod may run beside the old one).
 */
export function newWriterId(): string {
  const host = os.hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a lock file; a lock of an older version (a bare pid) reads as a holder on this host. */
export function readLockHolder(file: string): LockHolder | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (typeof h === 'object' && h && typeof h.writer === 'string') return h;
    if (typeof h === 'number') return { writer: `pid-${h}`, host: os.hostname(), pid: h, beat: 0, started: '' };
  } catch {
    // half-written by a crashed takeover: no holder can be named; it goes stale like any other
  }
  return { writer: 'unknown', host: '', pid: 0, beat: -1, started: '' };
}

const PROCESS_START = Date.now() - process.uptime() * 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the write lock of a cache folder. The holder rewrites the lock file with a growing heartbeat; another
 * writer waits while the heartbeat moves, and takes the lock over once it has not moved for `staleMs` (or at
 * once when the holder is a dead process on this host). Judged by the heartbeat's progress, not by clocks, so
 * it works across machines on a shared disk. The lock only avoids duplicate work: chunk files carry their
 * writer's id, so two writers that both believe they hold it (a partitioned node, a replacement pod) still
 * never touch each other's files.
 */
export async function acquireShardLock(dir: string, writer: string, options: ShardLockOptions = {}): Promise<ShardLock> {
  const file = path.join(dir, options.name ?? 'LOCK');
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const staleMs = options.staleMs ?? 6 * heartbeatMs;
  const me: LockHolder = { writer, host: os.hostname(), pid: process.pid, beat: 0, started: new Date().toISOString() };
  let seen: { writer: string; beat: number; since: number } | null = null;
  let tookOverFrom: LockHolder | null = null;
  let waitedFrom = 0;
  let told = 0;
  for (;;) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return heldLock(file, me, heartbeatMs, tookOverFrom);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLockHolder(file);
    if (!holder) continue; // released meanwhile
    const now = Date.now();
    const deadHere = holder.host === me.host && holder.pid > 0 && holder.pid !== process.pid && !pidAlive(holder.pid);
    // Our own pid on our host, taken before this process started: a crashed earlier run (a restarted container's pid 1).
    const ownStale = holder.host === me.host && holder.pid === process.pid && Date.parse(holder.started) < PROCESS_START;
    if (!seen || seen.writer !== holder.writer || seen.beat !== holder.beat) seen = { writer: holder.writer, beat: holder.beat, since: now };
    if (deadHere || ownStale || now - seen.since >= staleMs) {
      // Move the stale lock aside atomically; whoever's rename succeeds removes it, then everyone races for `wx`.
      const aside = `${file}.stale-${writer}`;
      try {
        fs.renameSync(file, aside);
        fs.rmSync(aside, { force: true });
        tookOverFrom = holder;
      } catch {
        // another writer moved it first
      }
      seen = null;
      continue;
    }
    if (options.wait === false) {
      throw new CacheLockedError(`${dir} is being written by ${describeHolder(holder)}; wait for it or use another --shard`);
    }
    waitedFrom ||= now;
    if (now - waitedFrom >= told * staleMs) {
      options.onWait?.(holder, now - waitedFrom);
      told++;
    }
    await sleep(Math.min(1000, Math.max(20, heartbeatMs / 4)));
  }
}

/** `writer w (host h, pid p)`. */
export function describeHolder(h: LockHolder): string {
  return `writer ${h.writer} (host ${h.host || '?'}, pid ${h.pid || '?'})`;
}

function heldLock(file: string, me: LockHolder, heartbeatMs: number, tookOverFrom: LockHolder | null): ShardLock {
  let lost = false;
  let released = false;
  const timer = setInterval(() => {
    if (lost || released) return;
    const now = readLockHolder(file);
    if (!now || now.writer !== me.writer) {
      lost = true; // taken over by a writer that judged us dead
      return;
    }
    me.beat++;
    try {
      writeFileAtomic(file, JSON.stringify(me), false);
    } catch {
      // a full or flaky disk: the next beat retries; the lock may go stale meanwhile, which only costs duplicate work
    }
  }, heartbeatMs);
  timer.unref();
  return {
    holder: me,
    tookOverFrom,
    lost: () => {
      if (!lost && !released && readLockHolder(file)?.writer !== me.writer) lost = true;
      return lost;
    },
    release: () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (readLockHolder(file)?.writer === me.writer) fs.rmSync(file, { force: true });
    },
  };
}
