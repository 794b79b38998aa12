export { initBackend, BackendError, BACKEND_ORDER } from './init-backend.js';
export type { BackendName, BackendInfo, InitBackendOptions } from './init-backend.js';
export { tf } from './tf.js';
export { installWasmKernelFixes, installWasmMatMulKernel, copyBox } from './wasm-kernels.js';
export { flatLength, readFlatWeights, writeFlatGradients, assignFlatWeights } from './flat-params.js';
export { hostValues, tensorFromHost } from './host-tensor.js';
export { installGradientFixes } from './gradient-fixes.js';
