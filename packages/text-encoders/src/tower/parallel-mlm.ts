import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reduceRange, ReplicaPool } from '@speechkd/data-parallel';
import { flatLength, readFlatWeights, tf, writeFlatGradients } from '@speechkd/tensor-backend';
import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { TextTowerConfig } from './config.js';
import { mlmLoss } from './mlm.js';
import type { MaskedBatch } from './mlm.js';
import { splitMaskedBatch } from './mlm-slices.js';
import type { TowerParams } from './model.js';
import type { AdamW } from './optimizer.js';

/** The compiled worker entry (from src/ under vitest or from dist/, the package's dist/ copy). */
const MLM_REPLICA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'tower', 'mlm-replica.js');

/** What each helper builds its tower replica from. */
export interface MlmReplicaInit {
  backend: string;
  config: TextTowerConfig;
  /** Parameter names in flat-vector order (checked against the replica's). */
  varNames: string[];
}

/** One slice of a step: its masked rows, its share of the batch's masked positions, the weights' version. */
export interface MlmSliceRequest {
  batch: MaskedBatch;
  scale: number;
  weightsVersion: number;
}

/** Gradient of `scale` x the slice's mean MLM loss; returns that scaled loss and the gradients by parameter name. */
export function mlmSliceGradients(params: Map<string, Variable>, config: TextTowerConfig, mb: MaskedBatch, scale: number): { loss: number; grads: Map<string, Tensor> } {
  const byVar = new Map([...params].map(([k, v]) => [v.name, k]));
  const { value, grads } = tf.variableGrads(() => tf.mul(mlmLoss(params, config, mb), scale) as Scalar, [...params.values()]);
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads: new Map(Object.entries(grads).map(([vn, g]) => [byVar.get(vn)!, g])) };
}

/**
 * Data-parallel MLM steps for the text tower: the batch's rows are split into slices of balanced padded
 * size, this thread computes the first and helper threads the others, each slice's mean loss weighted by
 * its share of the batch's masked positions, so the summed gradient is the whole batch's; the sum is
 * applied here and the new weights go to the helpers through shared memory.
 */
export class ParallelMlm {
  private version = 0;

  private constructor(
    private readonly pool: ReplicaPool,
    private readonly params: Map<string, Variable>,
    private readonly config: TextTowerConfig,
  ) {}

  /** Starts `workers - 1` helper threads holding tower replicas. */
  static async start(o: { workers: number; params: TowerParams; config: TextTowerConfig; backend: string }): Promise<ParallelMlm> {
    const params = o.params as Map<string, Variable>;
    const init: MlmReplicaInit = { backend: o.backend, config: o.config, varNames: [...params.keys()] };
    const pool = await ReplicaPool.start({ helpers: o.workers - 1, entry: MLM_REPLICA, init, vectorLength: flatLength(params) });
    return new ParallelMlm(pool, params, o.config);
  }

  /** Participants (this thread + helpers). */
  get workers(): number {
    return this.pool.helpers + 1;
  }

  /** One AdamW step over the masked batch; returns its mean MLM loss. */
  async step(mb: MaskedBatch, optimizer: AdamW, lr: number): Promise<number> {
    if (this.version === 0) this.publish();
    const slices = splitMaskedBatch(mb, this.workers);
    const total = slices.reduce((a, s) => a + s.positions.length, 0);
    const scales = slices.map((s) => s.positions.length / total);
    const helpers = Promise.all(slices.slice(1).map((batch, j) => this.pool.call<number>(j + 1, { batch, scale: scales[j + 1], weightsVersion: this.version } satisfies MlmSliceRequest)));
    const own = mlmSliceGradients(this.params, this.config, slices[0], scales[0]);
    const sum = writeFlatGradients(this.params, own.grads, this.pool.gradient(0));
    tf.dispose([...own.grads.values()]);
    const losses = [own.loss, ...(await helpers)];
    reduceRange(this.pool.gradients.slice(0, slices.length), 0, sum.length); // the slots of this step's slices only
    const grads: NamedTensorMap = {};
    let off = 0;
    for (const [name, v] of this.params) {
      grads[name] = tf.tensor(sum.subarray(off, off + v.size), v.shape);
      off += v.size;
    }
    optimizer.apply(this.params, grads, lr);
    tf.dispose(Object.values(grads) as Tensor[]);
    this.publish();
    return losses.reduce((a, b) => a + b, 0);
  }

  private publish(): void {
    readFlatWeights(this.params, this.pool.weights);
    this.version++;
  }

  /** Stops the helpers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
