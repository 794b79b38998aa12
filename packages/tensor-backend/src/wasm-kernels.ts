import { tf } from './tf.js';
import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs' wasm backend the slice kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  wasm: {
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let rawMatMul: ((...args: unknown[]) => void) | undefined;

/** wasm's BatchMatMul entry point (a_id, a_shape, a_rank, b_id, b_shape, b_rank, transpose_a, transpose_b, out_id). */
function wasmMatMul(backend: WasmBackendLike): (...args: unknown[]) => void {
  rawMatMul ??= backend.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
  return rawMatMul;
}

const shapeBytes = (s: number[]): Uint8Array => new Uint8Array(new Int32Array(s).buffer);

/** out[c] = sum over r of src[r * cols + c], accumulated in float64 four rows at a time. */
export function columnSum(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  let r = 0;
  let base = 0;
  for (; r + 4 <= rows; r += 4, base += 4 * cols) {
    const b1 = base + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    for (let c = 0; c < cols; c++) acc[c] += src[base + c] + src[b1 + c] + (src[b2 + c] + src[b3 + c]);
  }
  for (; r < rows; r++, base += cols) for (let c = 0; c < cols; c++) acc[c] += src[base + c];
  out.set(acc);
}

/**
 * Registers `fn` as wasm's kernel `name` in place of tfjs' own, keeping the original's setup function (run
 * when the backend initializes; it binds the wasm entry points the replacements fall back to).
 */
function replaceWasmKernel(name: string, fn: (args: never) => TensorInfo | TensorInfo[]): void {
  const orig = tf.getKernel(name, 'wasm');
  if (!orig) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as KernelFunc, setupFunc: orig.setupFunc } satisfies KernelConfig);
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
 * - Identity (and Cast to the same dtype) copies its input; it now shares the buffer by reference count, as wasm's Reshape and the
 *   cpu backend's Identity do (kernels never write into their inputs). tfjs clones every tensor a
 *   custom gradient saves, so a student-s training step copied 1.4 GB through Identity.
 * - Sum over leading axes (every bias, gain and per-channel weight gradient) transposed the whole input
 *   first; it is now a column sum over the input in place (4 rows at a time, float64 accumulator).
 * String tensors keep the original kernels. Idempotent.
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

  const origUnpack = tf.getKernel('Unpack', 'wasm')?.kernelFunc;
  const origSplit = tf.getKernel('SplitV', 'wasm')?.kernelFunc;
  const origIdentity = tf.getKernel('Identity', 'wasm')?.kernelFunc;
  const origSum = tf.getKernel('Sum', 'wasm');
  const origCast = tf.getKernel('Cast', 'wasm')?.kernelFunc;
  replaceWasmKernel('Slice', sliceFn);
  replaceWasmKernel('Identity', (args: { inputs: { x: TensorInfo }; backend: WasmBackendLike }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string' && origIdentity) return origIdentity(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  if (origCast) {
    // A cast to the same dtype (tfjs' gradients of Square, Relu, ... cast float32 to float32) shares.
    replaceWasmKernel('Cast', (args: { inputs: { x: TensorInfo }; attrs: { dtype: string }; backend: WasmBackendLike }) => {
      const { x } = args.inputs;
      if (x.dtype !== args.attrs.dtype || x.dtype === 'string') return origCast(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    });
  }
  if (origSum) {
    // Sum over leading axes (bias and gain gradients, per-channel weight gradients): wasm transposes the
    // whole input to make them innermost first; a column sum over the input in place needs no copy.
    const sumFn = (args: { inputs: { x: TensorInfo }; attrs: { axis: number | number[]; keepDims: boolean }; backend: WasmBackendLike }): TensorInfo => {
      const { x } = args.inputs;
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(args.attrs.axis, x.shape).slice().sort((a, b) => a - b);
      const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
      if (x.dtype !== 'float32' || !leading) return origSum.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
      const { backend } = args;
      const kept = x.shape.slice(axes.length);
      const cols = kept.reduce((a, b) => a * b, 1);
      const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
      const out = backend.makeOutput(kept, 'float32');
      columnSum(backend.typedArrayFromHeap(x) as Float32Array, rows, cols, backend.typedArrayFromHeap(out) as Float32Array);
      if (args.attrs.keepDims) return { dataId: out.dataId, dtype: out.dtype, shape: [...axes.map(() => 1), ...kept] };
      return out;
    };
    replaceWasmKernel('Sum', sumFn);
  }
  replaceWasmKernel('Unpack', (args: { inputs: { value: TensorInfo }; attrs: { axis: number }; backend: WasmBackendLike }) => {
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
  replaceWasmKernel('SplitV', (args: { inputs: { x: TensorInfo }; attrs: { numOrSizeSplits: number | number[]; axis: number }; backend: WasmBackendLike }) => {
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

type MatMulArgs = { inputs: { a: TensorInfo; b: TensorInfo }; attrs: { transposeA: boolean; transposeB: boolean }; backend: WasmBackendLike };

/**
 * Replaces wasm's BatchMatMul kernel. The original reaches XNNPACK only for one untransposed matrix
 * product; with `transposeA`/`transposeB` (every matMul gradient) or a batch > 1 (attention heads) it
 * falls back to a scalar loop that is 10-25x slower. This one transposes explicitly (wasm's Transpose
 * kernel) and runs a batch as one XNNPACK product per matrix on views into the batch's memory (ids
 * registered with the wasm side for the call, memory never copied). Same results as the original
 * (tested against the cpu backend, broadcasting included). Idempotent.
 */
export function installWasmMatMulKernel(): boolean {
  const orig = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!orig || !transposeKernel || (orig.kernelFunc as { speechkd?: boolean }).speechkd) return false;
  const fn = (args: MatMulArgs): TensorInfo => {
    const { backend } = args;
    let { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return orig.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    const temps: TensorInfo[] = [];
    const swap = (x: TensorInfo, temporary = true): TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      const t = transposeKernel.kernelFunc({ inputs: { x }, attrs: { perm }, backend } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
      if (temporary) temps.push(t);
      return t;
    };
    // A weight gradient x^T dy with fewer columns in x than in dy: XNNPACK packs the right operand with
    // strided reads, so (dy^T x)^T, which packs the smaller x, is faster (4x for the first convolution's
    // [62088, 9]^T x [62088, 96]; ~10% for the model's [792, 144]^T x [792, 576]).
    if (transposeA && !transposeB && a.shape.length === 2 && b.shape.length === 2 && a.shape[1] < b.shape[1]) {
      const t = fn({ inputs: { a: b, b: a }, attrs: { transposeA: true, transposeB: false }, backend });
      try {
        return swap(t, false);
      } finally {
        backend.disposeData(t.dataId);
      }
    }
    if (transposeA) a = swap(a);
    if (transposeB) b = swap(b);
    const m = a.shape[a.shape.length - 2];
    const k = a.shape[a.shape.length - 1];
    const n = b.shape[b.shape.length - 1];
    if (b.shape[b.shape.length - 2] !== k) {
      temps.forEach((t) => backend.disposeData(t.dataId));
      throw new Error(`matMul: inner dimensions ${k} and ${b.shape[b.shape.length - 2]} of shapes [${args.inputs.a.shape}] and [${args.inputs.b.shape}] (transposeA=${transposeA}, transposeB=${transposeB}) differ`);
    }
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = outer.reduce((x, y) => x * y, 1);
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    try {
      if (batch === 0) return backend.makeOutput([...outer, m, n], 'float32');
      // One matrix, or a broadcast other than full-batch/single-matrix operands (rare): the original
      // kernel, which also caches XNNPACK's packed weights per right operand.
      if (batch === 1 || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
        return orig.kernelFunc({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
      }
      const out = backend.makeOutput([...outer, m, n], 'float32');
      const aOff = backend.dataIdMap.get(a.dataId).memoryOffset;
      const bOff = backend.dataIdMap.get(b.dataId).memoryOffset;
      const oOff = backend.dataIdMap.get(out.dataId).memoryOffset;
      const ids = [backend.dataIdNextNumber++, backend.dataIdNextNumber++, backend.dataIdNextNumber++];
      const [ia, ib, io] = ids;
      const aShape = shapeBytes([1, m, k]);
      const bShape = shapeBytes([1, k, n]);
      const raw = wasmMatMul(backend);
      for (let i = 0; i < batch; i++) {
        backend.wasm.tfjs.registerTensor(ia, m * k, aOff + (batchA === 1 ? 0 : i * m * k * 4));
        backend.wasm.tfjs.registerTensor(ib, k * n, bOff + (batchB === 1 ? 0 : i * k * n * 4));
        backend.wasm.tfjs.registerTensor(io, m * n, oOff + i * m * n * 4);
        raw(ia, aShape, 3, ib, bShape, 3, false, false, io);
        // Unregistering only forgets the ids (and XNNPACK operators cached for them); the memory stays.
        for (const id of ids) backend.wasm.tfjs.disposeData(id);
      }
      return out;
    } finally {
      temps.forEach((t) => backend.disposeData(t.dataId));
    }
  };
  (fn as { speechkd?: boolean }).speechkd = true;
  replaceWasmKernel('BatchMatMul', fn);
  return true;
}
