import { tf } from './tf.js';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

let installed = false;

/**
 * dy of a reduction of x over `axis`, broadcast back to x's shape: multiplied by ones made in the backend
 * (`onesLike`; tfjs makes them on the host), so the values are tfjs' own bit for bit. Returns it with the
 * number of reduced elements per output.
 */
function broadcastBack(dy: Tensor, x: Tensor, axis: unknown): { value: Tensor; count: number } {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  let count = 1;
  for (const a of axes) {
    shape[a] = 1;
    count *= x.shape[a];
  }
  return { value: tf.mul(tf.reshape(dy, shape), tf.onesLike(x)), count };
}

/**
 * Replaces tfjs' gradients of Sum and Mean, which broadcast dy by multiplying it with `ones(x.shape)`: a host
 * array of x's size filled in JavaScript and copied into the backend every time (33 MB per student-s
 * training step, 72 calls: the layer norms' means), which also drives V8's collections for external memory.
 * The replacements make the ones in the backend (`onesLike`, a fill in place on wasm) and compute the rest as
 * tfjs does (the same values bit for bit). Idempotent; returns whether it installed them.
 */
export function installGradientFixes(): boolean {
  if (installed) return false;
  installed = true;
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const { value } = broadcastBack(dy as Tensor, saved[0], attrs.axis);
      return { x: () => value };
    },
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const { value, count } = broadcastBack(dy as Tensor, saved[0], attrs.axis);
      return { x: () => tf.div(value, count) };
    },
  });
  return true;
}
