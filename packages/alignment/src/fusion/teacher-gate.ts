import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { assertDim, assertInt, assertRank } from '../assert.js';
import { assertDims, biasVariable, dense, kernelVariable } from '../dense.js';

/** A small learned gate producing per-input attention weights over K teachers. The caller owns its variables. */
export interface TeacherGate {
  readonly inputDim: number;
  readonly numTeachers: number;
  /** All trainable variables (hidden layer and scoring layer). */
  readonly variables: Variable[];
  /** context [batch, inputDim] → weights [batch, K], or [batch, time, inputDim] → [batch, time, K]; rows sum to 1. */
  apply(context: Tensor): Tensor;
  /** Frees the variables. */
  dispose(): void;
}

/** Options for `createTeacherGate`. */
export interface TeacherGateOptions {
  /** Width of the hidden tanh layer (default 32). */
  hiddenDim?: number;
  /** Seed of the Glorot-uniform inits (default 0). */
  seed?: number;
}

/**
 * Creates an attention gate over teachers: weights = softmax(tanh(context W1 + b1) W2 + b2) over K teachers.
 * The context is whatever describes the input (e.g. the student's pooled features, or per-frame features).
 * Its output scales each teacher in `fuseTeacherLogits` / `fuseTeacherStates`; zero biases and a
 * Glorot init start it near uniform.
 */
export function createTeacherGate(inputDim: number, numTeachers: number, options: TeacherGateOptions = {}): TeacherGate {
  const op = 'createTeacherGate';
  const hiddenDim = options.hiddenDim ?? 32;
  assertDims(op, { inputDim, hiddenDim });
  assertInt(op, 'numTeachers', numTeachers, 1);
  const seed = options.seed ?? 0;
  const w1 = kernelVariable(inputDim, hiddenDim, seed);
  const b1 = biasVariable(hiddenDim);
  const w2 = kernelVariable(hiddenDim, numTeachers, seed + 1);
  const b2 = biasVariable(numTeachers);
  const variables = [w1, b1, w2, b2];
  return {
    inputDim,
    numTeachers,
    variables,
    apply: (context: Tensor) => {
      const name = 'TeacherGate.apply';
      assertRank(name, 'context', context, [2, 3], '[batch, inputDim] or [batch, time, inputDim]');
      assertDim(name, 'context', context, context.rank - 1, inputDim, 'last dim');
      return tf.tidy(() => tf.softmax(dense(name, 'context', tf.tanh(dense(name, 'context', context, w1, b1)), w2, b2), -1));
    },
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
