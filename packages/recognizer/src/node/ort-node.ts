import { createRequire } from 'node:module';
import type { EngineFactory } from '../engine/engine.js';
import { ortEngineFactory } from '../engine/ort-engine.js';
import type { OrtBinding } from '../engine/ort-engine.js';

const ORT_NODE_VERSION: string = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

/** onnxruntime-node on the CPU (loaded on first use): `threads` intra-op threads (default 1), one inter-op thread. */
export const ortNodeEngine: EngineFactory = async (model, options) => {
  const ort = (await import('onnxruntime-node')) as unknown as OrtBinding;
  const create = ortEngineFactory(ort, `onnxruntime-node ${ORT_NODE_VERSION}`, (threads) => ({
    intraOpNumThreads: threads ?? 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  }));
  return create(model, options);
};
