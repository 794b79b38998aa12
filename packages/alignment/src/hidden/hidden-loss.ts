import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertOneOf } from '../assert.js';
import { cosineLoss } from './cosine-loss.js';
import { l1Loss } from './l1-loss.js';
import type { HiddenLossOptions } from './l1-loss.js';
import { logSigmoidCosineLoss } from './log-sigmoid-cosine-loss.js';
import { mseLoss } from './mse-loss.js';

/** Hidden-state distances by name; 'distilhubert' is l1 + log-sigmoid-cosine (DistilHuBERT, lambda = 1). */
export type HiddenLossKind = 'l1' | 'mse' | 'cosine' | 'log-sigmoid-cosine' | 'distilhubert';

/** The accepted hidden-loss names. */
export const HIDDEN_LOSS_KINDS: readonly HiddenLossKind[] = ['l1', 'mse', 'cosine', 'log-sigmoid-cosine', 'distilhubert'];

/**
 * Hidden-state matching by name (`l1`, `mse`, `cosine`, `log-sigmoid-cosine`, `distilhubert`).
 * student, teacher: [batch, time, dim] (or [batch, dim]); mask [batch, time].
 */
export function hiddenLoss(kind: HiddenLossKind, teacher: Tensor, student: Tensor, options: HiddenLossOptions = {}): Tensor {
  assertOneOf('hiddenLoss', 'kind', kind, HIDDEN_LOSS_KINDS);
  switch (kind) {
    case 'l1':
      return l1Loss(teacher, student, options);
    case 'mse':
      return mseLoss(teacher, student, options);
    case 'cosine':
      return cosineLoss(teacher, student, options);
    case 'log-sigmoid-cosine':
      return logSigmoidCosineLoss(teacher, student, options);
    case 'distilhubert':
      return tf.tidy(() => tf.add(l1Loss(teacher, student, options), logSigmoidCosineLoss(teacher, student, options)));
  }
}
