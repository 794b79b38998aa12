import { tf } from './tf.js';
import { hostValues } from './host-tensor.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** Number of scalars in every tensor of `vars` together. */
export function flatLength(vars: Map<string, Tensor>): number {
  let n = 0;
  for (const v of vars.values()) n += v.size;
  return n;
}

/**
 * Copies the tensors' values into one flat host vector (their order in `vars`), one read per tensor (straight from the wasm heap there; no concat
 * kernel: on wasm a concat of ~200 tensors costs more than the copies). Returns `out` (allocated if absent).
 */
export function readFlatWeights(vars: Map<string, Tensor>, out: Float32Array = new Float32Array(flatLength(vars))): Float32Array {
  let off = 0;
  for (const v of vars.values()) {
    out.set(hostValues(v), off);
    off += v.size;
  }
  return out;
}

/** Copies gradients (by the names of `vars`) into a flat host vector in the order of `vars`; a missing one is zeros. */
export function writeFlatGradients(vars: Map<string, Tensor>, grads: Map<string, Tensor>, out: Float32Array): Float32Array {
  let off = 0;
  for (const [name, v] of vars) {
    const g = grads.get(name);
    if (g) out.set(hostValues(g), off);
    else out.fill(0, off, off + v.size);
    off += v.size;
  }
  return out;
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
