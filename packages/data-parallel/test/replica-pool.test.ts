import { afterEach, describe, expect, it } from 'vitest';
import { ReplicaCallError, ReplicaPool, ReplicaWorkerError } from '@speechkd/data-parallel';

const ENTRY = new URL('./fixtures/echo-worker.mjs', import.meta.url);
let pool: ReplicaPool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  delete process.env.SPEECHKD_REPLICA_EXIT;
});

describe('ReplicaPool', () => {
  it('answers calls per helper and shares the weight vector and gradient slots', async () => {
    pool = await ReplicaPool.start({ helpers: 2, entry: ENTRY, init: {}, vectorLength: 4 });
    expect(pool.helpers).toBe(2);
    expect(await pool.call(2, { op: 'echo', x: 1 })).toEqual({ echo: { op: 'echo', x: 1 }, index: 2 });
    pool.weights.set([1, 2, 3, 4]);
    expect(await Promise.all([pool.call(1, { op: 'fill', add: 0.5 }), pool.call(2, { op: 'fill', add: 0 })])).toEqual(['filled', 'filled']);
    expect([...pool.gradient(1)]).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect([...pool.gradient(2)]).toEqual([2, 4, 6, 8]);
    // Every helper sees every participant's slot, the calling thread's (0) included.
    pool.gradient(0).set([9, 8, 7, 6]);
    expect(pool.gradients).toHaveLength(3);
    expect(await pool.call(1, { op: 'read' })).toEqual([[9, 8, 7, 6], [1.5, 2.5, 3.5, 4.5], [2, 4, 6, 8]]);
    expect(() => pool!.gradient(3)).toThrow(/no participant 3/);
  });

  it('a handler error comes back under its own name, naming the helper, and the pool keeps working', async () => {
    pool = await ReplicaPool.start({ helpers: 1, entry: ENTRY, init: {}, vectorLength: 1 });
    const err = await pool.call(1, { op: 'throw', value: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaCallError);
    expect(err).toMatchObject({ name: 'RangeError', message: 'bad payload 7', worker: 1 });
    expect(await pool.call(1, { op: 'echo' })).toMatchObject({ index: 1 });
  });

  it('a helper that dies fails its pending call and every later one with a ReplicaWorkerError naming it', async () => {
    process.env.SPEECHKD_REPLICA_EXIT = '2:2';
    pool = await ReplicaPool.start({ helpers: 2, entry: ENTRY, init: {}, vectorLength: 1 });
    await pool.call(2, { op: 'echo' });
    const slow = pool.call(1, { op: 'slow', ms: 2000 }).catch((e: unknown) => e);
    const err = await pool.call(2, { op: 'echo' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaWorkerError);
    expect((err as Error).message).toMatch(/data-parallel worker 2 \(thread \d+\) exited unexpectedly \(exit code 137\)/);
    expect(await slow).toBe(pool.failure);
    await expect(pool.call(1, { op: 'echo' })).rejects.toThrow(/worker 2/);
    expect(pool.failure?.worker).toBe(2);
  });

  it('a replica that cannot be built fails the start with its message', async () => {
    await expect(ReplicaPool.start({ helpers: 2, entry: ENTRY, init: { failInit: true }, vectorLength: 1 })).rejects.toThrow(/worker \d \(thread \d+\) could not build its replica: bad init payload/);
  });

  it('reports the memory of every participant', async () => {
    pool = await ReplicaPool.start({ helpers: 2, entry: ENTRY, init: {}, vectorLength: 1 });
    const mem = await pool.memory();
    expect(mem.map((m) => m.participant)).toEqual([0, 1, 2]);
    expect(mem.every((m) => m.heapUsedBytes > 0)).toBe(true);
    expect(mem[1].extra).toEqual({ wasmHeapBytes: 123 });
  });

  it('rejects bad options', async () => {
    await expect(ReplicaPool.start({ helpers: 0, entry: ENTRY, init: {}, vectorLength: 1 })).rejects.toThrow(/helpers must be an integer >= 1/);
  });
});
