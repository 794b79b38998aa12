import { Worker } from 'node:worker_threads';
import v8 from 'node:v8';
import { ReplicaCallError, ReplicaWorkerError } from './errors.js';
import type { FromReplica, ParticipantMemory, ReplicaWorkerData, ToReplica } from './protocol.js';

/** Options of `ReplicaPool.start`. */
export interface ReplicaPoolOptions {
  /** Helper threads to start (participants besides the calling thread), >= 1. */
  helpers: number;
  /** The worker module (a path or file URL of compiled JavaScript) that calls `serveReplica`. */
  entry: string | URL;
  /** Payload handed to every helper's factory (structured clone; SharedArrayBuffers in it are shared). */
  init: unknown;
  /** Floats in the shared weight vector and in each participant's gradient slot. */
  vectorLength: number;
  /** How long a helper may take to build its replica before the start fails (ms, default 300000). */
  startTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Helper {
  index: number;
  worker: Worker;
  /** The worker's thread id, kept: Node reports -1 once it has exited. */
  threadId: number;
  pending: Map<number, Pending>;
}

/**
 * Helper threads that each hold a replica of a model, for data-parallel training driven from the calling
 * thread (participant 0). The calling thread writes the flat weight vector into `weights` between steps;
 * every participant has a shared gradient slot (`gradient(i)`, 0 = the calling thread's) that every helper
 * can read, for a reduce split across the participants (`shardRange`, `reduceRange`); requests and replies
 * are messages. When a helper dies or fails, every pending and later call rejects with a `ReplicaWorkerError`
 * that names it.
 */
export class ReplicaPool {
  /** Shared flat weight vector (float32). */
  readonly weights: Float32Array;
  private readonly list: Helper[];
  private readonly grads: Float32Array[];
  private nextId = 1;
  private failed: ReplicaWorkerError | undefined;
  private closing = false;

  private constructor(weights: Float32Array, grads: Float32Array[], helpers: Helper[]) {
    this.weights = weights;
    this.grads = grads;
    this.list = helpers;
  }

  /** Starts the helpers and waits until each has built its replica (its factory resolved). */
  static async start(o: ReplicaPoolOptions): Promise<ReplicaPool> {
    if (!Number.isInteger(o.helpers) || o.helpers < 1) throw new ReplicaWorkerError(0, `ReplicaPool.start: helpers must be an integer >= 1, got ${o.helpers}`);
    if (!Number.isInteger(o.vectorLength) || o.vectorLength < 1) throw new ReplicaWorkerError(0, `ReplicaPool.start: vectorLength must be an integer >= 1, got ${o.vectorLength}`);
    const bytes = o.vectorLength * Float32Array.BYTES_PER_ELEMENT;
    const weights = new SharedArrayBuffer(bytes);
    const grads = Array.from({ length: o.helpers + 1 }, () => new SharedArrayBuffer(bytes));
    const helpers: Helper[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 1; index <= o.helpers; index++) {
      const workerData: ReplicaWorkerData = { index, weights, grads, init: o.init };
      // No inherited execArgv: the helper is plain Node running compiled JavaScript, whatever runs the caller.
      const worker = new Worker(o.entry, { workerData, execArgv: [] });
      const helper: Helper = { index, worker, threadId: worker.threadId, pending: new Map() };
      helpers.push(helper);
      ready.push(waitReady(helper, o.startTimeoutMs ?? 300_000));
    }
    const pool = new ReplicaPool(new Float32Array(weights), grads.map((g) => new Float32Array(g)), helpers);
    const started = await Promise.allSettled(ready);
    const bad = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) {
      await pool.close();
      throw bad.reason as Error;
    }
    for (const h of helpers) pool.watch(h);
    return pool;
  }

  /** Number of helper threads. */
  get helpers(): number {
    return this.list.length;
  }

  /** The failure that stopped the pool, if any. */
  get failure(): ReplicaWorkerError | undefined {
    return this.failed;
  }

  /** Participant `i`'s shared gradient slot (0 = the calling thread, helpers 1-based). */
  gradient(i: number): Float32Array {
    const g = this.grads[i];
    if (!g) throw new ReplicaWorkerError(0, `ReplicaPool: no participant ${i} (the pool has ${this.grads.length})`);
    return g;
  }

  /** Every participant's gradient slot, the calling thread's first. */
  get gradients(): readonly Float32Array[] {
    return this.grads;
  }

  /** Sends `payload` to helper `i` (1-based); resolves with what its handler returned. */
  call<T>(i: number, payload: unknown): Promise<T> {
    return this.request<T>(this.helper(i), (id) => ({ kind: 'call', id, payload }));
  }

  /** Memory of this thread (participant 0) and of every helper. */
  async memory(): Promise<ParticipantMemory[]> {
    const own: ParticipantMemory = { participant: 0, heapUsedBytes: v8.getHeapStatistics().used_heap_size, extra: {} };
    const rest = await Promise.all(this.list.map((h) => this.request<ParticipantMemory>(h, (id) => ({ kind: 'memory', id }))));
    return [own, ...rest];
  }

  /** Stops every helper (pending calls reject). Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    this.failAll(new ReplicaWorkerError(0, 'the replica pool was closed'));
    await Promise.all(this.list.map((h) => h.worker.terminate().catch(() => 0)));
  }

  private helper(i: number): Helper {
    const h = this.list[i - 1];
    if (!h) throw new ReplicaWorkerError(0, `ReplicaPool: no helper ${i} (the pool has ${this.list.length})`);
    return h;
  }

  private request<T>(h: Helper, message: (id: number) => ToReplica): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      h.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      h.worker.postMessage(message(id));
    });
  }

  /** Routes replies and turns a helper's error or exit into the pool's failure. */
  private watch(h: Helper): void {
    h.worker.on('message', (m: FromReplica) => {
      if (m.kind !== 'result' && m.kind !== 'error' && m.kind !== 'memory') return;
      const p = h.pending.get(m.id);
      if (!p) return;
      h.pending.delete(m.id);
      if (m.kind === 'error') p.reject(new ReplicaCallError(h.index, m.error));
      else p.resolve(m.kind === 'memory' ? { ...m.memory, participant: h.index } : m.value);
    });
    h.worker.on('error', (err) => this.fail(h, `failed: ${err.name}: ${err.message}`));
    h.worker.on('messageerror', (err) => this.fail(h, `sent a message that could not be read: ${err.message}`));
    h.worker.on('exit', (code) => {
      if (!this.closing) this.fail(h, `exited unexpectedly (exit code ${code})`);
    });
  }

  private fail(h: Helper, what: string): void {
    if (this.closing) return;
    this.failAll(new ReplicaWorkerError(h.index, `data-parallel worker ${h.index} (thread ${h.threadId}) ${what}`));
  }

  private failAll(err: ReplicaWorkerError): void {
    this.failed ??= err;
    for (const h of this.list) {
      for (const p of h.pending.values()) p.reject(this.failed);
      h.pending.clear();
    }
  }
}

/** Resolves when the helper reports its replica built; rejects on its init error, exit or timeout. */
function waitReady(h: Helper, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const where = `data-parallel worker ${h.index} (thread ${h.threadId})`;
    const done = (err?: Error) => {
      clearTimeout(timer);
      h.worker.off('message', onMessage);
      h.worker.off('error', onError);
      h.worker.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onMessage = (m: FromReplica) => {
      if (m.kind === 'ready') done();
      else if (m.kind === 'init-error') done(new ReplicaCallError(h.index, { ...m.error, message: `${where} could not build its replica: ${m.error.message}` }));
    };
    const onError = (err: Error) => done(new ReplicaWorkerError(h.index, `${where} failed while starting: ${err.name}: ${err.message}`));
    const onExit = (code: number) => done(new ReplicaWorkerError(h.index, `${where} exited while starting (exit code ${code})`));
    const timer = setTimeout(() => done(new ReplicaWorkerError(h.index, `${where} did not build its replica within ${timeoutMs / 1000} s`)), timeoutMs);
    h.worker.on('message', onMessage);
    h.worker.on('error', onError);
    h.worker.on('exit', onExit);
  });
}
