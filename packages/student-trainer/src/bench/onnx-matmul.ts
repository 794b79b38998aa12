import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** An in-memory ONNX model computing Y = A x B for float32 A [m, k], B [k, n] (both inputs). */
export function matMulModel(m: number, k: number, n: number): Uint8Array {
  const info = (name: string, dims: number[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'speechkd-train-bench',
    graph: {
      name: 'matmul',
      node: [{ opType: 'MatMul', input: ['A', 'B'], output: ['Y'], name: 'mm' }],
      input: [info('A', [m, k]), info('B', [k, n])],
      output: [info('Y', [m, n])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * fp32 matMul GFLOP/s of onnxruntime-node with `threads` intra-op threads (best of `reps` after warm-up);
 * one thread is timed in process CPU time (fair on a shared machine), more threads in wall time.
 */
export async function onnxMatMulGflops(size: number, threads: number, reps = 10): Promise<number> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(matMulModel(size, size, size), { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const a = new ort.Tensor('float32', Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [size, size]);
  const b = new ort.Tensor('float32', Float32Array.from({ length: size * size }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [size, size]);
  await session.run({ A: a, B: b });
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await session.run({ A: a, B: b });
    const c = process.cpuUsage(c0);
    best = Math.min(best, threads === 1 ? (c.user + c.system) / 1000 : performance.now() - t0);
  }
  await session.release();
  return (2 * size ** 3) / (best / 1000) / 1e9;
}
