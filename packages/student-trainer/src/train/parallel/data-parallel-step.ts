import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reduceRange, ReplicaPool, shardRange, splitBatch } from '@speechkd/data-parallel';
import type { ParticipantMemory } from '@speechkd/data-parallel';
import { tf } from '@speechkd/tensor-backend';
import type { SpecAugmentOptions } from '@speechkd/audio-features';
import type { Variable } from '@tensorflow/tfjs-core';
import type { StudentModel } from '../../model/student.js';
import type { Utterance } from '../batches.js';
import type { Objective, ObjectiveSpec } from '../objective.js';
import type { AdamWOptions, WeightEma } from '../optimizer.js';
import { adamwRange, HostAdamW, shareHostAdamWState } from '../host-adamw.js';
import { trainableVariables } from '../train-step.js';
import type { StepResult } from '../train-step.js';
import { assignFlatWeights, flatLength, readFlatWeights, writeFlatGradients } from '@speechkd/tensor-backend';
import type { ReplicaInit, ReplicaRequest, SliceGradients } from './replica-protocol.js';
import { shareUtterances } from './shared-utterances.js';
import { SliceWorker, termScales } from './slice-work.js';
import type { SliceTask } from './slice-work.js';

/** The compiled worker entry (from src/ under vitest or from dist/, the package's dist/ copy). */
const REPLICA_ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'train', 'parallel', 'replica-worker.js');

/** Options of `DataParallelStep.start`. */
export interface DataParallelOptions {
  /** Participants: this thread plus `workers - 1` helper threads (>= 2). */
  workers: number;
  model: StudentModel;
  objective: Objective;
  /** How helpers rebuild the objective (null: CTC only). */
  objectiveSpec: ObjectiveSpec | null;
  /** Training utterances (moved into shared memory). */
  utts: readonly Utterance[];
  backend: string;
  /** The model's initialization seed (helpers build the same variables, then take the trainer's weights). */
  seed: number;
  specAugment: SpecAugmentOptions | null;
  /** The optimizer's hyper-parameters (the update runs on host memory, `HostAdamW`, each participant on its range). */
  adamw: AdamWOptions;
}

/** One step's batch and hyper-parameters. */
export interface ParallelStepArgs {
  /** Indices of the batch's utterances in the training set (length-sorted). */
  indices: readonly number[];
  step: number;
  dropoutSeed: number;
  /** SpecAugment seed of the utterance at a global batch position (null without SpecAugment). */
  augmentSeed: ((position: number) => number) | null;
  ema?: WeightEma;
  lr: number;
  clipNorm: number;
}

/** Seconds spent per phase, summed over steps (for the benchmark's cost model). */
export interface StepTimings {
  steps: number;
  /** Collating the slices and preparing targets, until every participant's counts are in. */
  prepare: number;
  /** This thread's forward and backward. */
  ownGradients: number;
  /** Waiting for the helpers' gradients after this thread's were done. */
  helperWait: number;
  /** The slowest helper's own time on its slice (weights, forward and backward, gradient copy), as it measured it. */
  helperCompute: number;
  /** Adding every participant's gradient (each participant over its range of the vector) and the global norm. */
  reduce: number;
  /** The AdamW update (each participant over its range). */
  update: number;
  /** Assigning the new weights (already in shared memory) to this thread's variables, and the EMA. */
  publish: number;
}

/**
 * Data-parallel optimizer steps: each batch is split into contiguous slices of balanced padded size, this
 * thread computes the last (the heaviest: helpers also load the new weights) and helper threads the others on
 * their replicas, each term weighted by the slice's share of its count (utterances, frames, tokens), so the
 * summed gradient is the whole batch's. Every participant writes its gradient into its shared slot; then each
 * adds all slots over its own range of the vector, in participant order (deterministic, and independent of the
 * split), and reports that range's sum of squares; this thread forms the global norm and the clipping factor,
 * and each participant applies AdamW to its range of the shared weights and moments, which the helpers read at
 * their next slice. Checkpoints, EMA and evaluation stay on this thread, so they do not depend on the worker
 * count.
 */
export class DataParallelStep {
  /** Training utterances as views into shared memory. */
  readonly utts: Utterance[];
  /** The optimizer (its moments are checkpointed by the trainer). */
  readonly optimizer: HostAdamW;
  private readonly pool: ReplicaPool;
  private readonly local: SliceWorker;
  private readonly vars: Map<string, Variable>;
  private readonly model: StudentModel;
  private version = 0;
  /** Seconds per phase, summed over the steps so far. */
  readonly timings: StepTimings = { steps: 0, prepare: 0, ownGradients: 0, helperWait: 0, helperCompute: 0, reduce: 0, update: 0, publish: 0 };

  private constructor(pool: ReplicaPool, local: SliceWorker, model: StudentModel, vars: Map<string, Variable>, utts: Utterance[], optimizer: HostAdamW) {
    this.pool = pool;
    this.model = model;
    this.optimizer = optimizer;
    this.local = local;
    this.vars = vars;
    this.utts = utts;
  }

  /** Shares the data, starts the helpers and waits until their replicas are built. */
  static async start(o: DataParallelOptions): Promise<DataParallelStep> {
    if (o.workers < 2) throw new RangeError(`DataParallelStep.start: workers must be >= 2, got ${o.workers}`);
    const { shared, utts } = shareUtterances(o.utts);
    const vars = trainableVariables(o.model, o.objective);
    const optimizer = new HostAdamW(o.adamw, { names: [...vars.keys()], shapes: [...vars.values()].map((v) => v.shape.slice()) }, { shared: true });
    const init: ReplicaInit = {
      backend: o.backend, model: o.model.config, seed: o.seed, objective: o.objectiveSpec,
      varNames: [...vars.keys()], varSizes: [...vars.values()].map((v) => v.size), data: shared, specAugment: o.specAugment,
      optimizer: { options: o.adamw, state: shareHostAdamWState(optimizer.state) },
    };
    const pool = await ReplicaPool.start({ helpers: o.workers - 1, entry: REPLICA_ENTRY, init, vectorLength: flatLength(vars) });
    return new DataParallelStep(pool, new SliceWorker(o.model, o.objective, utts, o.specAugment), o.model, vars, utts, optimizer);
  }

  /** Participants (this thread + helpers). */
  get workers(): number {
    return this.pool.helpers + 1;
  }

  /** Writes this thread's current weights to the shared vector (before the first step; steps keep it current). */
  publishWeights(): void {
    readFlatWeights(this.vars, this.pool.weights);
    this.version++;
  }

  /** Memory of every participant (this thread first). */
  async memory(): Promise<ParticipantMemory[]> {
    const all = await this.pool.memory();
    all[0].extra = SliceWorker.backendBytes();
    return all;
  }

  /** One optimizer step over the batch; a helper's death rejects with a ReplicaWorkerError. */
  async step(a: ParallelStepArgs): Promise<StepResult> {
    if (this.version === 0) this.publishWeights();
    const slices = splitBatch(a.indices.map((i) => this.utts[i].frames), this.workers);
    const tasks: SliceTask[] = slices.map((positions) => ({
      step: a.step, utts: positions.map((p) => a.indices[p]), positions,
      augmentSeeds: a.augmentSeed ? positions.map(a.augmentSeed) : null, dropoutSeed: a.dropoutSeed,
    }));
    const call = <T>(j: number, req: ReplicaRequest) => this.pool.call<T>(j, req);
    const tm = this.timings;
    let t = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const dt = (now - t) / 1000;
      t = now;
      return dt;
    };
    tm.steps++;
    // Helper j (1-based) computes slice j - 1; this thread the last, heaviest one.
    const mine = tasks.length - 1;
    const helperCounts = Promise.all(tasks.slice(0, mine).map((task, j) => call<Record<string, number>>(j + 1, { op: 'prepare', task })));
    let own;
    try {
      const ownCounts = await this.local.prepare(tasks[mine]);
      const counts = [...(await helperCounts), ownCounts];
      const global: Record<string, number> = {};
      for (const c of counts) for (const [k, v] of Object.entries(c)) global[k] = (global[k] ?? 0) + v;
      const scales = counts.map((c) => termScales(c, global));
      tm.prepare += lap();
      const helperGrads = Promise.all(tasks.slice(0, mine).map((_, j) => call<SliceGradients>(j + 1, { op: 'gradients', scales: scales[j], weightsVersion: this.version })));
      own = this.local.gradients(scales[mine]);
      writeFlatGradients(this.vars, own.grads, this.pool.gradient(0));
      tm.ownGradients += lap();
      const helpers = await helperGrads;
      tm.helperWait += lap();
      tm.helperCompute += Math.max(0, ...helpers.map((h) => h.seconds ?? 0));
      const results = [...helpers, { loss: own.loss, terms: own.terms }];
      return await this.apply(a, results, scales, lap);
    } finally {
      if (own) tf.dispose([...own.grads.values()]);
      this.local.release();
    }
  }

  /**
   * Adds the participants' gradients and updates the shared weights, each participant over its range of the
   * vector (this thread the first), then takes the new weights.
   */
  private async apply(a: ParallelStepArgs, results: SliceGradients[], scales: Record<string, number>[], lap: () => number): Promise<StepResult> {
    const tm = this.timings;
    const helpers = Array.from({ length: this.pool.helpers }, (_, j) => j + 1);
    const grads = this.pool.gradients;
    const [lo, hi] = shardRange(this.pool.weights.length, this.workers, 0);
    // Only the slots of participants that had a slice this step (a batch of fewer utterances than workers
    // leaves the last helpers idle, their slots holding an earlier step's gradient).
    const slots = results.length;
    const helperSquares = Promise.all(helpers.map((j) => this.pool.call<number>(j, { op: 'reduce', slots } satisfies ReplicaRequest)));
    const ownSquares = reduceRange(grads.slice(0, slots), lo, hi);
    const norm = Math.sqrt([ownSquares, ...(await helperSquares)].reduce((x, y) => x + y, 0));
    tm.reduce += lap();
    const loss = results.reduce((acc, r) => acc + r.loss, 0);
    const terms: Record<string, number> = {};
    results.forEach((r, j) => {
      for (const [k, v] of Object.entries(r.terms)) terms[k] = (terms[k] ?? 0) + (scales[j][k] ?? 0) * v;
    });
    const st = this.optimizer.beginStep(norm, a.lr, a.clipNorm, !Number.isFinite(loss));
    if (st) {
      const updated = Promise.all(helpers.map((j) => this.pool.call(j, { op: 'update', step: st } satisfies ReplicaRequest)));
      adamwRange(this.optimizer.opts, st, this.optimizer.state, this.pool.weights, grads[0], lo, hi);
      await updated;
      // Only now the step counts: a helper that died during the update left the moments before it intact.
      this.optimizer.commitStep(st);
    }
    tm.update += lap();
    if (st) {
      assignFlatWeights(this.vars, this.pool.weights);
      this.version++;
      a.ema?.update(this.model.params.vars);
    }
    tm.publish += lap();
    return { loss, terms, gradNorm: norm, applied: st !== null };
  }

  /** Stops the helpers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
