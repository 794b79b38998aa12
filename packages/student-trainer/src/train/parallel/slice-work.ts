import { tf } from '@speechkd/tensor-backend';
import type { SpecAugmentOptions } from '@speechkd/audio-features';
import { subsampledLength } from '../../model/config.js';
import type { StudentModel } from '../../model/student.js';
import { collate, disposeBatch } from '../batches.js';
import type { TrainBatch, Utterance } from '../batches.js';
import type { Objective } from '../objective.js';
import { computeGradients } from '../train-step.js';
import type { GradientResult } from '../train-step.js';

/** One participant's part of a data-parallel step. */
export interface SliceTask {
  /** Global step (0-based). */
  step: number;
  /** Indices of the slice's utterances in the training set. */
  utts: number[];
  /** Their positions in the global batch: dropout keys, so a slice draws the masks the whole batch would. */
  positions: number[];
  /** SpecAugment seed per utterance (derived from its global position), or null without SpecAugment. */
  augmentSeeds: number[] | null;
  dropoutSeed: number;
}

/** Term counts of a batch: the objective's, and the utterance count for any term it does not count. */
export function countTerms(objective: Objective, batch: TrainBatch, step: number): Record<string, number> {
  const own = objective.termCounts?.(batch, batch.lengths.map(subsampledLength)) ?? {};
  const out: Record<string, number> = {};
  for (const name of Object.keys(objective.weights(step))) out[name] = own[name] ?? batch.ids.length;
  return out;
}

/** Each slice's share of every term's count across the whole batch (0 where the whole batch has none). */
export function termScales(local: Record<string, number>, global: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, c] of Object.entries(local)) out[name] = global[name] > 0 ? c / global[name] : 0;
  return out;
}

/**
 * Computes one slice of a step on this thread: `prepare` collates the slice (SpecAugment per utterance) and
 * lets the objective fetch its targets, returning the term counts; `gradients` runs forward and backward with
 * each term scaled by the slice's share; `release` frees the slice. Used by the calling thread and every helper.
 */
export class SliceWorker {
  private batch: TrainBatch | undefined;
  private task: SliceTask | undefined;

  constructor(
    private readonly model: StudentModel,
    private readonly objective: Objective,
    private readonly utts: readonly Utterance[],
    private readonly augment: SpecAugmentOptions | null,
  ) {}

  /** Collates the slice and prepares the objective's targets; returns the slice's term counts. */
  async prepare(task: SliceTask): Promise<Record<string, number>> {
    this.release();
    const utts = task.utts.map((i) => this.utts[i]);
    this.batch = collate(utts, this.augment && task.augmentSeeds ? { options: this.augment, seeds: task.augmentSeeds } : undefined);
    this.task = task;
    await this.objective.prepare?.(this.batch, task.step);
    return countTerms(this.objective, this.batch, task.step);
  }

  /** Gradients of the prepared slice with its terms scaled by `scales`. */
  gradients(scales: Record<string, number>): GradientResult {
    if (!this.batch || !this.task) throw new Error('SliceWorker.gradients: no slice prepared');
    return computeGradients(this.model, this.objective, this.batch, this.task.step, { dropoutSeed: this.task.dropoutSeed, itemKeys: this.task.positions, scales });
  }

  /** Frees the prepared slice (its batch tensors and the objective's targets). */
  release(): void {
    if (!this.batch) return;
    this.objective.release?.(this.batch);
    disposeBatch(this.batch);
    this.batch = undefined;
    this.task = undefined;
  }

  /** Bytes held by this thread's tensor backend (the wasm heap where there is one). */
  static backendBytes(): Record<string, number> {
    const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    const heap = backend.wasm?.HEAPU8?.byteLength;
    return { tensorBytes: tf.memory().numBytes, ...(heap ? { wasmHeapBytes: heap } : {}) };
  }
}
