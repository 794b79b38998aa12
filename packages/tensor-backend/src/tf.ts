import { register } from 'node:module';
import * as tfCore from '@tensorflow/tfjs-core';

// tfjs-core alone registers no gradients; training code needs them on every backend. Its gradient
// registry ships only as ESM with extensionless relative imports, which plain Node refuses; this resolve
// hook retries those imports with `.js` / `/index.js` (vitest resolves them itself). Registries and the
// engine live on globalThis, so the gradients reach the CommonJS tfjs-core instance used everywhere else.
const HOOK = `export async function resolve(s, c, next) {
  try { return await next(s, c); } catch (err) {
    if (s.startsWith('.') && !s.endsWith('.js') && (c.parentURL ?? '').includes('/@tensorflow/tfjs-core/dist/')) {
      try { return await next(s + '.js', c); } catch { return next(s + '/index.js', c); }
    }
    throw err;
  }
}`;
// Inside a vitest worker the module runner resolves them; child processes of tests (which inherit
// VITEST variables) are plain Node and need the hook, so test the worker global, not the environment.
if (!('__vitest_worker__' in globalThis)) register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

/** The single tfjs-core instance every speechkd package computes with. */
export const tf: typeof tfCore = tfCore;
