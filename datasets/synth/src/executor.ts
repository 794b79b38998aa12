import { Worker } from 'node:worker_threads';
import type { PlannedUtterance } from './plan.js';
import { renderToFile } from './render.js';
import type { WorkerJob, WorkerReply } from './worker.js';

/** Renders utterances to files; `run` resolves to the duration in seconds or rejects with the engine's error. */
export interface Executor {
  /** Renders one utterance to `file` (atomically). */
  run(utt: PlannedUtterance, file: string): Promise<number>;
  /** How many `run` calls may be in flight at once. */
  readonly concurrency: number;
  /** Releases threads. */
  close(): Promise<void>;
}

/** Renders on the calling thread, one utterance at a time. */
export function inProcessExecutor(): Executor {
  return { run: renderToFile, concurrency: 1, close: async () => {} };
}

interface Pending {
  seq: number;
  resolve: (duration: number) => void;
  reject: (err: Error) => void;
}

/** Worker entry: compiled, dist/worker.js runs as is; from TypeScript source (vitest, tsx) a loader shim starts it. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './worker-source.mjs' : './worker.js', import.meta.url);
}

/** Renders on `threads` worker threads (one utterance each at a time); a crashed worker fails its job and is replaced. */
export function workerExecutor(threads: number): Executor {
  const url = workerUrl();
  let seq = 0;
  let closed = false;
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const pending = new Map<Worker, Pending>();

  const release = (w: Worker): void => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const spawn = (): Worker => {
    const w = new Worker(url);
    workers.add(w);
    let lastError: Error | undefined;
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(w);
      if (!p || p.seq !== reply.seq) return;
      pending.delete(w);
      w.unref();
      if (reply.error !== undefined) p.reject(new Error(reply.error));
      else p.resolve(reply.duration ?? 0);
      release(w);
    });
    w.on('error', (err) => {
      lastError = err;
    });
    w.on('exit', (code) => {
      workers.delete(w);
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
      const p = pending.get(w);
      pending.delete(w);
      if (closed) return;
      p?.reject(new Error(`worker thread died (exit code ${code}${lastError ? `: ${lastError.message}` : ''})`));
      release(spawn());
    });
    w.unref();
    return w;
  };
  for (let i = 0; i < threads; i++) idle.push(spawn());
  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };
  return {
    concurrency: threads,
    async run(utt, file) {
      const w = await acquire();
      return new Promise<number>((resolve, reject) => {
        const job: WorkerJob = { seq: ++seq, utt, file };
        pending.set(w, { seq: job.seq, resolve, reject });
        w.ref();
        w.postMessage(job);
      });
    },
    async close() {
      closed = true;
      await Promise.all([...workers].map((w) => w.terminate()));
    },
  };
}
