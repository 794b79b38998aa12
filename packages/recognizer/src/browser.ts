// @speechkd/recognizer, browser entry (package.json `exports`, condition `browser`): the portable runtime
// plus model folders over HTTP or picked files and onnxruntime-web. No Node API and no tfjs.
export * from './portable.js';
export { filesSource, urlSource } from './browser/url-source.js';
export { loadRecognizer } from './browser/load-recognizer.js';
export { configureOrtWeb, ortWebEngine } from './browser/ort-web.js';
export type { OrtWebSettings } from './browser/ort-web.js';
