import type { EngineFactory, EngineInput, EngineOutput, InferenceEngine } from './engine.js';

/** The part of an ONNX Runtime JavaScript binding (onnxruntime-node, onnxruntime-web) the engine uses. */
export interface OrtBinding {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => unknown;
}

/** An ONNX Runtime inference session, as far as the engine uses it. */
export interface OrtSession {
  run(feeds: Record<string, unknown>, fetches?: string[]): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release?(): Promise<void>;
}

/**
 * An engine over any ONNX Runtime binding: the Node and browser entries pass their own binding and session
 * options, so the two runtimes share this code and differ only in what they import.
 */
export function ortEngineFactory(ort: OrtBinding, name: string, sessionOptions: (threads: number | undefined) => Record<string, unknown>): EngineFactory {
  return async (model, options): Promise<InferenceEngine> => {
    const session = await ort.InferenceSession.create(model, sessionOptions(options.threads));
    const { inputs, outputs } = options.io;
    const fetches = [outputs.logits, outputs.logitLengths];
    return {
      name,
      async run(input: EngineInput): Promise<EngineOutput> {
        const out = await session.run({
          [inputs.features]: new ort.Tensor('float32', input.features, input.dims),
          [inputs.lengths]: new ort.Tensor('int64', BigInt64Array.from(input.lengths, (l) => BigInt(l)), [input.lengths.length]),
        }, fetches); // only what decoding needs, when a graph also exposes hidden states
        const logits = out[outputs.logits];
        const lengths = Array.from(out[outputs.logitLengths].data as BigInt64Array, (v) => Number(v));
        return { logits: logits.data as Float32Array, dims: logits.dims as unknown as [number, number, number], lengths };
      },
      async release(): Promise<void> {
        await session.release?.();
      },
    };
  };
}
