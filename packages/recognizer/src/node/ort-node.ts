import { createRequire } from 'node:module';
import type { EngineFactory } from '../engine/engine.js';
import { ortEngineFactory } from '../engine/ort-engine.js';
import type { OrtBinding } from '../engine/ort-engine.js';

const ORT_NODE_VERSION: string = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

/**
 * onnxruntime-node on the CPU (loaded on first use): `threads` intra-op threads (default 1), one inter-op thread.
 * QDQ fusions are off (`session.disable_quant_qdq`): onnxruntime-node 1.30 would fuse a q8 variant's
 * DequantizeLinear + MatMul into MatMulNBits, which also quantizes the activations, while onnxruntime-web's
 * WebAssembly build does not; without the fusion both compute the same float32 products on int8-rounded weights,
 * so a page and Node give the same transcripts (the q8 logits then differ by ~1e-6, not ~1e-2).
 */
export const ortNodeEngine: EngineFactory = async (model, options) => {
  const ort = (await import('onnxruntime-node')) as unknown as OrtBinding;
  const create = ortEngineFactory(ort, `onnxruntime-node ${ORT_NODE_VERSION}`, (threads) => ({
    intraOpNumThreads: threads ?? 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: { session: { disable_quant_qdq: '1' } },
  }));
  return create(model, options);
};
