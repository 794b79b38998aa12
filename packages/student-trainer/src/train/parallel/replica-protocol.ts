import type { SpecAugmentOptions } from '@speechkd/audio-features';
import type { ModelConfig } from '../../model/config.js';
import type { ObjectiveSpec } from '../objective.js';
import type { AdamWOptions } from '../optimizer.js';
import type { HostAdamWStep, SharedHostAdamWState } from '../host-adamw.js';
import type { SharedUtterances } from './shared-utterances.js';
import type { SliceTask } from './slice-work.js';

/** What each helper thread builds its replica from. */
export interface ReplicaInit {
  /** The backend the trainer runs on (helpers use the same one). */
  backend: string;
  /** The resolved architecture (overrides applied) and the initialization seed. */
  model: ModelConfig;
  seed: number;
  /** The objective to rebuild; null = CTC only. */
  objective: ObjectiveSpec | null;
  /** Names and sizes of the trained variables, in flat-vector order (checked against the replica's). */
  varNames: string[];
  varSizes: number[];
  /** The training utterances in shared memory. */
  data: SharedUtterances;
  specAugment: SpecAugmentOptions | null;
  /** The optimizer's hyper-parameters and shared state (moments, decay mask): each helper updates its range. */
  optimizer: { options: AdamWOptions; state: SharedHostAdamWState };
}

/**
 * A request to a helper: prepare a slice (returns its term counts); compute its gradients into its shared slot;
 * add the first `slots` participants' gradients (those that had a slice) over its range of the vector into the
 * calling thread's slot (returns the range's sum of squares); apply AdamW over its range of the shared weights.
 */
export type ReplicaRequest =
  | { op: 'prepare'; task: SliceTask }
  | { op: 'gradients'; scales: Record<string, number>; weightsVersion: number }
  | { op: 'reduce'; slots: number }
  | { op: 'update'; step: HostAdamWStep };

/** A helper's answer to `gradients` (the gradient itself is in its shared slot). */
export interface SliceGradients {
  loss: number;
  terms: Record<string, number>;
  /** Seconds the helper spent on the call (taking the new weights, forward and backward, writing its gradient). */
  seconds?: number;
}
