// Messages between a ReplicaPool (calling thread) and its helpers (serveReplica), and the workerData they share.

/** What every helper receives as `workerData`. */
export interface ReplicaWorkerData {
  /** 1-based helper index (participant 0 is the calling thread). */
  index: number;
  /** Shared flat weight vector (float32), written by the calling thread between steps. */
  weights: SharedArrayBuffer;
  /** Every participant's shared gradient slot (float32, the same length), index 0 the calling thread's. */
  grads: SharedArrayBuffer[];
  /** The pool user's own initialization payload (structured clone; SharedArrayBuffers inside are shared). */
  init: unknown;
}

/** Calling thread -> helper. */
export type ToReplica = { kind: 'call'; id: number; payload: unknown } | { kind: 'memory'; id: number };

/** A serialized error. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

/** Memory of one participant: its V8 heap and whatever the replica reports (e.g. the wasm heap), in bytes. */
export interface ParticipantMemory {
  /** 0 = the calling thread, then helpers 1..N-1. */
  participant: number;
  /** V8 heap in use by this thread's isolate. */
  heapUsedBytes: number;
  /** Extra figures from the replica's `memory()` hook, e.g. `wasmHeapBytes`. */
  extra: Record<string, number>;
}

/** Helper -> calling thread. */
export type FromReplica =
  | { kind: 'ready' }
  | { kind: 'init-error'; error: ErrorInfo }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: ErrorInfo }
  | { kind: 'memory'; id: number; memory: ParticipantMemory };

/** Serializes an unknown thrown value. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}
