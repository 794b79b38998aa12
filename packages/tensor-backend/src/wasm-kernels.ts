import { tf } from './tf.js';
import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs' wasm backend the slice kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  incRef(dataId: object): void;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type SliceArgs = { inputs: { x: TensorInfo }; attrs: { begin: number | number[]; size?: number | number[] }; backend: WasmBackendLike };

/**
 * Copies the box `begin`/`size` of `src` (row-major `shape`) into `dst`: contiguous runs are copied with
 * `TypedArray.set`, shorter runs element by element.
 */
export function copyBox(
  src: Float32Array | Int32Array | Uint8Array, shape: readonly number[], begin: readonly number[], size: readonly number[],
  dst: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  // Axes j..rank-1 form one contiguous run: every axis after j is taken whole.
  let j = rank - 1;
  while (j > 0 && size[j] === shape[j] && begin[j] === 0) j--;
  const run = j < 0 ? 1 : size[j] * strides[j];
  const outer = size.slice(0, Math.max(0, j)).reduce((a, b) => a * b, 1);
  const idx = new Array<number>(Math.max(0, j)).fill(0);
  let o = 0;
  for (let n = 0; n < outer; n++) {
    let off = 0;
    for (let d = 0; d < j; d++) off += (begin[d] + idx[d]) * strides[d];
    if (j >= 0) off += begin[j] * strides[j];
    if (run >= 16) dst.set(src.subarray(off, off + run), o);
    else for (let r = 0; r < run; r++) dst[o + r] = src[off + r];
    o += run;
    for (let d = j - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
}

/**
 * Replaces four kernels of tfjs' wasm backend (4.x) that copy far more than they need to:
 * - Slice, Unpack and SplitV read their input through `backend.readSync`, which copies the whole input
 *   out of the wasm heap for every slice (unstacking a [32, t, t] tensor copied it 32 times). These read
 *   the input in place, through a heap view taken after the output is allocated (allocation can grow
 *   and detach the heap).
 * - Identity copies its input; it now shares the buffer by reference count, as wasm's Reshape and the
 *   cpu backend's Identity do (kernels never write into their inputs). tfjs clones every tensor a
 *   custom gradient saves, so a student-s training step copied 1.4 GB through Identity.
 * String tensors keep the original kernels. Together: training step 1.5x faster. Idempotent.
 */
export function installWasmKernelFixes(): boolean {
  const orig = tf.getKernel('Slice', 'wasm');
  if (!orig || (orig.kernelFunc as { speechkd?: boolean }).speechkd) return false;
  const origSlice = orig.kernelFunc;
  const sliceFn = (args: SliceArgs): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return origSlice(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as Tensor, args.attrs.begin, args.attrs.size);
    const out = args.backend.makeOutput(size, x.dtype);
    if (size.some((s) => s === 0)) return out;
    const src = args.backend.typedArrayFromHeap(x);
    const dst = args.backend.typedArrayFromHeap(out);
    copyBox(src, x.shape, begin, size, dst);
    return out;
  };
  (sliceFn as { speechkd?: boolean }).speechkd = true;

  const replace = (name: string, fn: (args: never) => TensorInfo | TensorInfo[]): void => {
    if (!tf.getKernel(name, 'wasm')) return;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as KernelFunc } satisfies KernelConfig);
  };
  const origUnpack = tf.getKernel('Unpack', 'wasm')?.kernelFunc;
  const origSplit = tf.getKernel('SplitV', 'wasm')?.kernelFunc;
  const origIdentity = tf.getKernel('Identity', 'wasm')?.kernelFunc;
  replace('Slice', sliceFn);
  replace('Identity', (args: { inputs: { x: TensorInfo }; backend: WasmBackendLike }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string' && origIdentity) return origIdentity(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  replace('Unpack', (args: { inputs: { value: TensorInfo }; attrs: { axis: number }; backend: WasmBackendLike }) => {
    const { value } = args.inputs;
    if (value.dtype === 'string' && origUnpack) return origUnpack(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo[];
    const rank = value.shape.length;
    const axis = args.attrs.axis < 0 ? args.attrs.axis + rank : args.attrs.axis;
    const outShape = value.shape.filter((_, d) => d !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      begin[axis] = i;
      const o = sliceFn({ inputs: { x: value }, attrs: { begin: [...begin], size }, backend: args.backend });
      outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
    }
    return outs;
  });
  replace('SplitV', (args: { inputs: { x: TensorInfo }; attrs: { numOrSizeSplits: number | number[]; axis: number }; backend: WasmBackendLike }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string' && origSplit) return origSplit(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo[];
    const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as Tensor, args.attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const o = sliceFn({ inputs: { x }, attrs: { begin: [...begin], size }, backend: args.backend });
      begin[axis] += s;
      return o;
    });
  });
  return true;
}
