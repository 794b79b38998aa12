// @speechkd/data-parallel: the thread pool, shared vectors and batch splitting behind data-parallel training.
export { ReplicaPool } from './replica-pool.js';
export type { ReplicaPoolOptions } from './replica-pool.js';
export { serveReplica } from './serve-replica.js';
export type { Replica, ReplicaContext } from './serve-replica.js';
export type { ParticipantMemory } from './protocol.js';
export { ReplicaWorkerError, ReplicaCallError } from './errors.js';
export { splitBatch } from './split-batch.js';
export { reduceRange, shardRange } from './shard-reduce.js';
export { defaultWorkerCount, resolveWorkerCount, MAX_AUTO_WORKERS } from './worker-count.js';
