// Inference-only entry (@speechkd/student-trainer/inference): never imports training code.
export { loadRecognizer, StudentRecognizer } from './recognizer.js';
export type { LoadRecognizerOptions, RecognizerOptions } from './recognizer.js';
export { computeFeatures, normalizeFeatures, FEATURE_SAMPLE_RATE, FEATURE_BINS } from './features.js';
export { decodeLogits, LM_DECODING_DEFAULTS } from './decode-logits.js';
export { CharNgramLm } from '../decode/char-ngram-lm.js';
export type { CharNgramLmOptions, LmFusionOptions } from '../decode/char-ngram-lm.js';
export type { DecoderOptions } from './decode-logits.js';
export { loadModel, saveModel, readModelManifest, ModelIoError } from '../model/io.js';
export type { ModelManifest } from '../model/io.js';
export type { WeightPrecision } from '../model/quantize.js';
export { createStudent, StudentModel } from '../model/student.js';
export { CHAR_VOCAB, encodeText, decodeIds } from '../model/vocab.js';
export { exportOnnx, ONNX_IO } from './onnx-export.js';
export { loadOnnxRecognizer, OnnxRecognizer, ONNX_FILE } from './onnx-recognizer.js';
export type { OnnxRecognizerOptions } from './onnx-recognizer.js';
