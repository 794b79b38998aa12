import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PlannedUtterance } from './plan.js';
import { renderToFile } from './render.js';
import type { WorkerJob, WorkerReply } from './worker.js';

/** Renders utterances to files; `run` resolves to the duration in seconds or rejects with the engine's error. */
export interface Executor {
  /** Renders one utterance to `file` (atomically). */
  run(utt: PlannedUtterance, file: string): Promise<number>;
  /** How many `run` calls may be in flight at once. */
  readonly concurrency: number;
  /** Releases workers. */
  close(): Promise<void>;
}

/** Renders on the calling thread, one utterance at a time. */
export function inProcessExecutor(): Executor {
  return { run: renderToFile, concurrency: 1, close: async () => {} };
}

/** A worker process died while rendering (a crash in an engine, not an error it reported). */
class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

interface Pending {
  seq: number;
  resolve: (duration: number) => void;
  reject: (err: Error) => void;
}

/** Worker entry and Node flags: compiled, dist/worker.js runs as is; from TypeScript source (vitest, tsx) via tsx. */
function workerEntry(): { file: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    file: fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url)),
    execArgv: fromSource ? ['--import', 'tsx', '--conditions=@speechkd/source'] : [],
  };
}

/** Options of workerExecutor (tests use them to run a stand-in worker script). */
export interface WorkerOptions {
  /** Worker script speaking the WorkerJob/WorkerReply protocol (default: this package's worker). */
  file?: string;
  /** Arguments of the worker script. */
  args?: string[];
}

/** Utterances a worker process renders before it is replaced (bounds what the engines leak, e.g. one fd per flite call). */
export const RECYCLE_AFTER = 100;

/**
 * Renders on `count` worker processes, one utterance each at a time. Processes rather than worker threads: Node
 * crashed with a segmentation fault inside the WASM engines now and then (seen on worker threads and, once in 300
 * utterances, in a worker process; the same utterance renders fine when retried). A crashed process fails only its
 * utterance, which is retried once on a fresh process before it counts as a failure.
 */
export function workerExecutor(count: number, options: WorkerOptions = {}): Executor {
  const { file, execArgv } = options.file ? { file: options.file, execArgv: [] } : workerEntry();
  const args = options.args ?? [];
  let seq = 0;
  let closed = false;
  const children = new Set<ChildProcess>();
  const idle: ChildProcess[] = [];
  const waiting: Array<(c: ChildProcess) => void> = [];
  const pending = new Map<ChildProcess, Pending>();
  const served = new Map<ChildProcess, number>();
  const retiring = new Set<ChildProcess>();

  const release = (c: ChildProcess): void => {
    const jobs = (served.get(c) ?? 0) + 1;
    served.set(c, jobs);
    if (jobs >= RECYCLE_AFTER && !closed) {
      retiring.add(c);
      c.kill();
      c = spawn();
    }
    const next = waiting.shift();
    if (next) next(c);
    else idle.push(c);
  };
  const spawn = (): ChildProcess => {
    const child = fork(file, args, { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    children.add(child);
    child.on('message', (reply: WorkerReply) => {
      const p = pending.get(child);
      if (!p || p.seq !== reply.seq) return;
      pending.delete(child);
      if (reply.error !== undefined) p.reject(new Error(reply.error));
      else p.resolve(reply.duration ?? 0);
      release(child);
    });
    child.on('error', () => {}); // 'exit' follows and handles the job
    child.on('exit', (code, signal) => {
      children.delete(child);
      served.delete(child);
      const i = idle.indexOf(child);
      if (i >= 0) idle.splice(i, 1);
      const p = pending.get(child);
      pending.delete(child);
      if (closed || retiring.delete(child)) return;
      p?.reject(new WorkerDiedError(`worker process died (${signal ?? `exit code ${code}`})`));
      const fresh = spawn();
      const next = waiting.shift();
      if (next) next(fresh);
      else idle.push(fresh);
    });
    return child;
  };
  for (let i = 0; i < count; i++) idle.push(spawn());
  const acquire = (): Promise<ChildProcess> => {
    const c = idle.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
  };
  return {
    concurrency: count,
    async run(utt, target) {
      for (let attempt = 1; ; attempt++) {
        const child = await acquire();
        try {
          return await new Promise<number>((resolve, reject) => {
            const job: WorkerJob = { seq: ++seq, utt, file: target };
            pending.set(child, { seq: job.seq, resolve, reject });
            child.send(job);
          });
        } catch (err) {
          if (!(err instanceof WorkerDiedError) || attempt >= 2 || closed) throw err;
        }
      }
    },
    async close() {
      closed = true;
      await Promise.all([...children].map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill();
      })));
    },
  };
}
