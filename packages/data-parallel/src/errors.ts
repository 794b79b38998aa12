/** A helper thread of a replica pool died, failed to start, or the pool was used after a failure or close. */
export class ReplicaWorkerError extends Error {
  override name = 'ReplicaWorkerError';
  /** Index of the helper (1-based: participant 0 is the calling thread), or 0 when the pool itself is meant. */
  readonly worker: number;

  constructor(worker: number, message: string) {
    super(message);
    this.worker = worker;
  }
}

/**
 * An error a helper's handler threw, carried back to the calling thread: `name` and `message` are the
 * original's (so a typed error keeps its name), `worker` says where it happened, `workerStack` is its stack.
 */
export class ReplicaCallError extends Error {
  readonly worker: number;
  readonly workerStack: string | undefined;

  constructor(worker: number, original: { name: string; message: string; stack?: string }) {
    super(original.message);
    this.name = original.name;
    this.worker = worker;
    this.workerStack = original.stack;
  }
}
