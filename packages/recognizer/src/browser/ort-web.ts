import * as ort from 'onnxruntime-web/wasm';
import type { EngineFactory } from '../engine/engine.js';
import { ortEngineFactory } from '../engine/ort-engine.js';
import type { OrtBinding } from '../engine/ort-engine.js';

/** Settings of onnxruntime-web's WebAssembly backend (global to the page; set before the first session). */
export interface OrtWebSettings {
  /** URL prefix where `ort-wasm-simd-threaded.mjs` and `.wasm` are served (the page serves its own copy: no CDN). */
  wasmPaths?: string;
  /** Threads; more than 1 needs a cross-origin isolated page (COOP/COEP headers). Default 1. */
  numThreads?: number;
}

/** Applies `OrtWebSettings` to onnxruntime-web and returns the thread count in force. */
export function configureOrtWeb(settings: OrtWebSettings): number {
  if (settings.wasmPaths !== undefined) ort.env.wasm.wasmPaths = settings.wasmPaths;
  ort.env.wasm.numThreads = settings.numThreads ?? 1;
  ort.env.wasm.proxy = false;
  return ort.env.wasm.numThreads;
}

/** onnxruntime-web on its WebAssembly backend (SIMD; threads as `configureOrtWeb` set them). */
export const ortWebEngine: EngineFactory = (model, options) => {
  const create = ortEngineFactory(ort as unknown as OrtBinding, `onnxruntime-web ${ort.env.versions.web ?? ''}`.trim(), () => ({
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  }));
  return create(model, options);
};
