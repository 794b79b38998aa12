import { tf } from './tf.js';
import type { Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';

/** Number of scalars in every variable together. */
export function flatLength(vars: Map<string, Tensor>): number {
  let n = 0;
  for (const v of vars.values()) n += v.size;
  return n;
}

/** Gradients as one flat vector [params] in the order of `vars`; a variable without a gradient gets zeros. */
export function flattenGradients(vars: Map<string, Tensor>, grads: Map<string, Tensor>): Tensor1D {
  return tf.tidy(() => tf.concat([...vars].map(([name, v]) => {
    const g = grads.get(name);
    return g ? tf.reshape(g, [v.size]) : tf.zeros([v.size]);
  })) as Tensor1D);
}

/** The variables' current values as one flat vector, in the order of `vars` (copied to the host). */
export function readFlatWeights(vars: Map<string, Tensor>): Float32Array {
  const flat = tf.tidy(() => tf.concat([...vars.values()].map((v) => tf.reshape(v, [v.size]))));
  try {
    return flat.dataSync() as Float32Array;
  } finally {
    flat.dispose();
  }
}

/** Assigns a flat vector (the order of `vars`) to the variables. */
export function assignFlatWeights(vars: Map<string, Variable>, flat: Float32Array): void {
  let off = 0;
  for (const v of vars.values()) {
    const part = flat.subarray(off, off + v.size);
    tf.tidy(() => v.assign(tf.tensor(part, v.shape)));
    off += v.size;
  }
  if (off !== flat.length) throw new Error(`assignFlatWeights: argument "flat" has ${flat.length} values for ${off} parameters`);
}
