// Opt-in subpath `@speechkd/alignment/node-gradients`: registers tfjs-core's gradients in plain Node.
// The library itself never does this (a library must not register kernels or gradients implicitly).
// Bundlers (vite, vitest, webpack) can import '@tensorflow/tfjs-core/dist/register_all_gradients'
// directly; plain Node cannot, because that ES module's relative imports omit file extensions. This
// module installs a resolve hook that adds them (only for @tensorflow packages), then loads it.
import { register } from 'node:module';

register('./tfjs-esm-hook.js', import.meta.url);
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);

/** True once the gradients are registered (importing this module registers them). */
export const gradientsRegistered: boolean = true;
