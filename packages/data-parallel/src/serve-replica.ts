import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import { errorInfo } from './protocol.js';
import type { FromReplica, ReplicaWorkerData, ToReplica } from './protocol.js';

/** What a helper's factory receives: its index, the shared vectors as float32 views, and the pool's init payload. */
export interface ReplicaContext<I> {
  /** 1-based helper index. */
  index: number;
  /** The shared flat weight vector (written by the calling thread between steps). */
  weights: Float32Array;
  /** This helper's gradient slot (`grads[index]`). */
  grad: Float32Array;
  /** Every participant's gradient slot, index 0 the calling thread's (for a sharded reduce: `reduceRange`). */
  grads: Float32Array[];
  init: I;
}

/** A helper's replica: answers calls; may report extra memory figures (bytes). */
export interface Replica {
  handle(payload: unknown): unknown | Promise<unknown>;
  memory?(): Record<string, number>;
}

/**
 * Worker-thread side of a `ReplicaPool`: builds the replica with `factory`, then answers calls one at a time
 * in arrival order. A handler error goes back to the caller (named); the helper keeps serving.
 * Fault injection for tests: `SPEECHKD_REPLICA_EXIT=<index>:<call>` makes helper `index` exit abruptly
 * (code 137) when its `call`-th call (1-based) arrives, as if the thread had been killed.
 */
export function serveReplica<I>(factory: (ctx: ReplicaContext<I>) => Replica | Promise<Replica>): void {
  const port = parentPort;
  if (!port) throw new Error('serveReplica: not running in a worker thread (start it through ReplicaPool)');
  const data = workerData as ReplicaWorkerData;
  const send = (m: FromReplica) => port.postMessage(m);
  const exitAt = parseExitAt(process.env.SPEECHKD_REPLICA_EXIT, data.index);
  let calls = 0;
  let queue: Promise<void> = Promise.resolve();
  const grads = data.grads.map((b) => new Float32Array(b));
  const built = (async () => factory({ index: data.index, weights: new Float32Array(data.weights), grad: grads[data.index], grads, init: data.init as I }))();
  built.then(
    (replica) => {
      port.on('message', (m: ToReplica) => {
        queue = queue.then(async () => {
          if (m.kind === 'memory') {
            send({ kind: 'memory', id: m.id, memory: { participant: data.index, heapUsedBytes: v8.getHeapStatistics().used_heap_size, extra: replica.memory?.() ?? {} } });
            return;
          }
          calls++;
          if (calls === exitAt) process.exit(137);
          try {
            send({ kind: 'result', id: m.id, value: await replica.handle(m.payload) });
          } catch (err) {
            send({ kind: 'error', id: m.id, error: errorInfo(err) });
          }
        });
      });
      send({ kind: 'ready' });
    },
    (err: unknown) => send({ kind: 'init-error', error: errorInfo(err) }),
  );
}

function parseExitAt(spec: string | undefined, index: number): number {
  const m = /^(\d+):(\d+)$/.exec(spec ?? '');
  return m && Number(m[1]) === index ? Number(m[2]) : 0;
}
