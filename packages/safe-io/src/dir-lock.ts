import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tempPathFor } from './atomic-file.js';

/** Who holds a folder lock: the JSON content of the lock file. */
export interface LockHolder {
  /** Process id of the holder. */
  pid: number;
  /** `os.hostname()` of the holder's machine (a pid means nothing on another host). */
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The holder's command line, for the message a second process gets. */
  command: string;
}

/**
 * A folder is locked by another live process (or one on another host, whose state cannot be checked);
 * the message names the holder and the lock file. Exit code 1: the command is right, the folder is busy.
 */
export class DirLockedError extends Error {
  override name = 'DirLockedError';
  /** The lock file. */
  readonly lockFile: string;
  /** Its holder, as recorded. */
  readonly holder: LockHolder;

  constructor(lockFile: string, holder: LockHolder, message: string) {
    super(message);
    this.lockFile = lockFile;
    this.holder = holder;
  }
}

/** A lock this process holds; `release()` removes the lock file (safe to call twice). */
export interface DirLock {
  /** The lock file. */
  readonly file: string;
  release(): void;
}

/** Options of `lockDir`. */
export interface LockDirOptions {
  /** The lock file's name in the folder (default `LOCK`). */
  name?: string;
  /** What the holder does there, for messages (default `writing`), e.g. `training`. */
  purpose?: string;
  /** Where the takeover of a dead process's lock is reported (default stderr). */
  log?: (line: string) => void;
}

/** Locks this process holds, released when it exits (also after an error or `process.exit`). */
const held = new Map<string, LockHolder>();
let exitHook = false;

/** The start time of this process (ms since the epoch). */
const PROCESS_STARTED = Date.now() - process.uptime() * 1000;

/**
 * Takes the lock of `dir` (which must exist): creates `<dir>/<name>` exclusively with the holder's pid,
 * host, start time and command line. A lock whose holder is gone (no such process on this host, or its pid
 * now belongs to a process started after the lock was taken) is taken over with a message; a live holder,
 * one on another host, or this very process (a second trainer in one process) gives `DirLockedError`. The
 * lock is released by `release()` or when the process exits; a `kill -9` leaves a lock that the next run
 * takes over. Hand-written rather than `proper-lockfile`: its mtime heartbeat marks a lock stale while a
 * long synchronous training step blocks the event loop, and it records no holder to name.
 */
export function lockDir(dir: string, options: LockDirOptions = {}): DirLock {
  const file = path.join(path.resolve(dir), options.name ?? 'LOCK');
  const purpose = options.purpose ?? 'writing';
  const log = options.log ?? ((l: string) => void process.stderr.write(`${l}\n`));
  const me: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWhole(file, `${JSON.stringify(me)}\n`)) {
      held.set(file, me);
      if (!exitHook) {
        exitHook = true;
        process.on('exit', () => { for (const f of [...held.keys()]) releaseFile(f); });
      }
      return { file, release: () => releaseFile(file) };
    }
    const raw = readOrNull(file);
    if (raw === null) continue; // released meanwhile
    const holder = parseHolder(raw) ?? unknownHolder(file);
    const since = holder.startedAt ? ` since ${holder.startedAt}` : '';
    const fix = `wait for it to finish or stop it; if it no longer runs, delete ${file}`;
    if (held.has(file)) {
      throw new DirLockedError(file, held.get(file)!, `${dir}: this process is already ${purpose} here (lock ${file}); finish or dispose that one first`);
    }
    if (holder.host !== me.host) {
      throw new DirLockedError(file, holder, `${dir}: locked by process ${holder.pid} on host ${holder.host}${since} (${purpose}); ${fix}`);
    }
    const gone = holderGone(holder);
    if (!gone) {
      const who = holder.pid ? `process ${holder.pid}${holder.command ? ` (${holder.command.slice(0, 200)})` : ''}` : 'another process';
      throw new DirLockedError(file, holder, `${dir}: ${who} is already ${purpose} here${since}; ${fix}`);
    }
    // Taken over only if the file still holds what was judged stale (another process may have taken it over first).
    if (readOrNull(file) !== raw) continue;
    fs.rmSync(file, { force: true });
    log(`${dir}: taking over the lock ${path.basename(file)} of ${holder.pid ? `process ${holder.pid}${since}` : 'an unknown process'}: ${gone}`);
  }
  throw new DirLockedError(file, { pid: 0, host: '', startedAt: '', command: '' }, `${dir}: could not take the lock ${file} (other processes keep taking it)`);
}

/**
 * Creates `file` with `text` only if it does not exist, all at once: written to a temp file, then hard-linked
 * (a reader never sees a half-written lock). False when the file exists.
 */
function createWhole(file: string, text: string): boolean {
  const tmp = tempPathFor(file);
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // A file system without hard links: an exclusive create (a racing reader may see it empty, then waits).
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes a lock file this process holds, unless another process took it over meanwhile. */
function releaseFile(file: string): void {
  const mine = held.get(file);
  if (!mine) return;
  held.delete(file);
  const holder = parseHolder(readOrNull(file) ?? '');
  if (holder && holder.pid === mine.pid && holder.startedAt === mine.startedAt) fs.rmSync(file, { force: true });
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string' || typeof h.startedAt !== 'string') return null;
    return { pid: h.pid, host: h.host, startedAt: h.startedAt, command: typeof h.command === 'string' ? h.command : '' };
  } catch {
    return null; // a torn write of a killed process
  }
}

/**
 * The holder of a lock file that does not parse: unknown (pid 0). One that is a few seconds old may be in
 * the middle of its exclusive create (on a file system without hard links), so it counts as live.
 */
function unknownHolder(file: string): LockHolder {
  let mtime = 0;
  try {
    mtime = fs.statSync(file).mtimeMs;
  } catch {
    // removed meanwhile: the next attempt creates it
  }
  return { pid: 0, host: os.hostname(), startedAt: new Date(mtime).toISOString(), command: '' };
}

/** Why a holder on this host no longer holds its lock, or null when it still runs. */
function holderGone(h: LockHolder): string | null {
  const taken = Date.parse(h.startedAt);
  if (h.pid === 0) return Date.now() - taken > 10_000 ? 'the lock file does not parse (a process killed while taking it)' : null;
  // This process's own pid: another thread's lock would be in `held`, so it is a dead process whose pid was reused (a restarted container).
  if (h.pid === process.pid) return PROCESS_STARTED > taken ? `pid ${h.pid} now belongs to this process` : null;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return `process ${h.pid} is no longer running`;
  }
  const started = processStartMs(h.pid);
  // 2 s of slack: /proc/stat's boot time has a resolution of one second.
  if (started !== null && Number.isFinite(taken) && started > taken + 2000) return `pid ${h.pid} now belongs to a process started after the lock was taken`;
  return null;
}

/** Linux: when process `pid` started (ms since the epoch), from /proc; null elsewhere or when unknown. */
function processStartMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": field 3 onwards
    const ticks = Number(fields[19]); // field 22, starttime, in clock ticks since boot
    const btime = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return null;
    return btime * 1000 + (ticks / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
