import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { assertDim, assertInt, assertTensor } from './assert.js';
import { glorotUniform } from './random.js';
import { matMul } from './mat-mul.js';

/** Creates a trainable [inDim, outDim] Glorot-uniform kernel from a seed; `name` must be unique if given. */
export function kernelVariable(inDim: number, outDim: number, seed: number, name?: string): Variable {
  return ownedVariable(tf.tensor2d(glorotUniform(inDim, outDim, seed), [inDim, outDim]), name);
}

/** Creates a trainable zero bias [outDim]. */
export function biasVariable(outDim: number, name?: string): Variable {
  return ownedVariable(tf.zeros([outDim]), name);
}

/** A trainable variable initialised from `init`, which is then freed (tf.variable keeps its own reference). */
export function ownedVariable(init: Tensor, name?: string): Variable {
  const v = tf.variable(init, true, name);
  init.dispose();
  return v;
}

/** Applies x [..., inDim] · kernel [inDim, outDim] (+ bias [outDim]) → [..., outDim]; checks the last dim for `op`. */
export function dense(op: string, name: string, x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
  assertTensor(op, name, x);
  const [inDim, outDim] = kernel.shape;
  assertDim(op, name, x, x.rank - 1, inDim, 'last dim');
  return tf.tidy(() => {
    const flat = tf.reshape(x, [-1, inDim]);
    let y = matMul(flat, kernel);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
  });
}

/** Validates a pair of layer sizes for `op`. */
export function assertDims(op: string, dims: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(dims)) assertInt(op, k, v, 1);
}
