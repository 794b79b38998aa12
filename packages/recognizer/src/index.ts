// @speechkd/recognizer, Node entry: the portable runtime plus model folders on disk and onnxruntime-node.
// Bundlers targeting the browser get browser.ts instead (package.json `exports`, condition `browser`).
export * from './portable.js';
export { directorySource } from './node/fs-source.js';
export { loadRecognizer } from './node/load-recognizer.js';
export { ortNodeEngine } from './node/ort-node.js';
