import v8 from 'node:v8';
import { tf } from './tf.js';
import { installWasmKernelFixes, installWasmMatMulKernel } from './wasm-kernels.js';
import { installGradientFixes } from './gradient-fixes.js';

/** Backend names in the order they are tried. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What `initBackend` chose and why. */
export interface BackendInfo {
  /** The speechkd name of the backend that is now active. */
  name: BackendName;
  /** The name tfjs-core reports (`tf.getBackend()`). */
  tfName: string;
  /** One line per backend that was tried and skipped. */
  skipped: string[];
}

/** Options for `initBackend`. */
export interface InitBackendOptions {
  /** Force one backend; defaults to the `SPEECHKD_BACKEND` environment variable, else auto. */
  backend?: BackendName | 'auto';
  /** Where to log the choice (once per process); `null` silences it. Default: stderr. */
  log?: ((line: string) => void) | null;
}

/** Error raised when a requested backend cannot be loaded. */
export class BackendError extends Error {
  override name = 'BackendError';
}

/** Auto-selection order: native GPU, native CPU, WebAssembly (SIMD), plain JavaScript. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

let active: Promise<BackendInfo> | undefined;
let activeRequest: string | undefined;

// Each loader registers its backend with the shared tfjs-core and returns tfjs' own name for it.
// Native packages are optional dependencies whose install fails offline, hence dynamic imports.
const loaders: Record<BackendName, () => Promise<string>> = {
  'tensorflow-gpu': async () => {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
    return 'tensorflow';
  },
  tensorflow: async () => {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    return 'tensorflow';
  },
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    // A training step allocates tens of thousands of short-lived tensor objects; a 64 MiB young
    // generation (V8's default is 16) halves the scavenges and cut a student-s step by ~10%.
    // SPEECHKD_HEAP_TUNING=0 leaves V8's defaults.
    if (process.env.SPEECHKD_HEAP_TUNING !== '0') v8.setFlagsFromString('--max-semi-space-size=64');
    // SPEECHKD_WASM_KERNELS=stock keeps tfjs' own kernels (for comparisons and bug reports).
    if (process.env.SPEECHKD_WASM_KERNELS !== 'stock') {
      installWasmKernelFixes();
      installWasmMatMulKernel();
      installGradientFixes();
    }
    return 'wasm';
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    return 'cpu';
  },
};

function parseRequest(value: string | undefined): BackendName | 'auto' {
  const v = (value ?? 'auto').trim() || 'auto';
  if (v === 'auto' || (BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName | 'auto';
  throw new BackendError(
    `SPEECHKD_BACKEND / backend option: unknown backend "${v}"; use one of auto, ${BACKEND_ORDER.join(', ')}`,
  );
}

async function tryBackend(name: BackendName): Promise<string> {
  const tfName = await loaders[name]();
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
  await tf.ready();
  return tfName;
}

async function select(request: BackendName | 'auto', log: ((line: string) => void) | null): Promise<BackendInfo> {
  const candidates = request === 'auto' ? BACKEND_ORDER : [request];
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      const tfName = await tryBackend(name);
      log?.(`[speechkd] tensor backend: ${name}${skipped.length ? ` (skipped: ${skipped.join('; ')})` : ''}`);
      return { name, tfName, skipped };
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      if (request !== 'auto') {
        throw new BackendError(`backend "${name}" could not be loaded: ${reason}. Unset SPEECHKD_BACKEND to pick automatically.`);
      }
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new BackendError(`no tensor backend could be loaded (${skipped.join('; ')})`);
}

/**
 * Selects and activates the tensor backend once per process: `SPEECHKD_BACKEND` (or `options.backend`)
 * forces one, otherwise the first of BACKEND_ORDER that loads wins. Later calls return the same choice;
 * asking for a different backend later switches to it.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const request = parseRequest(options.backend ?? process.env.SPEECHKD_BACKEND);
  const log = options.log === undefined ? (line: string) => process.stderr.write(`${line}\n`) : options.log;
  if (active && (activeRequest === request || request === 'auto')) return active;
  activeRequest = request;
  active = select(request, log);
  active.catch(() => {
    active = undefined;
    activeRequest = undefined;
  });
  return active;
}
