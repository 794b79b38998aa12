import { tf } from './tf.js';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs' wasm backend used to read and fill tensors in place. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const onWasm = (): boolean => tf.getBackend() === 'wasm';

/**
 * A float32 tensor's values for copying out: on wasm a view into the backend's heap (valid until the next
 * tensor operation; `dataSync` would first copy them into a new buffer, tens of MB per training step, which
 * also brings on V8's garbage collections for external memory), elsewhere `dataSync`.
 */
export function hostValues(t: Tensor): Float32Array {
  if (t.dtype === 'float32' && onWasm()) {
    const view = (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);
    if (view instanceof Float32Array) return view;
  }
  return t.dataSync() as Float32Array;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes into a zeroed array: on wasm straight into the
 * backend's heap (no host buffer to allocate and copy; `fill` must not run tensor operations), elsewhere into
 * a host array handed to `tf.tensor`.
 */
export function tensorFromHost(shape: number[], fill: (values: Float32Array) => void): Tensor {
  if (onWasm()) {
    const backend = tf.backend() as unknown as HeapBackend;
    const info = backend.makeOutput(shape, 'float32');
    const view = backend.typedArrayFromHeap(info) as Float32Array;
    view.fill(0);
    fill(view);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(values);
  return tf.tensor(values, shape);
}
