// What both entries export: features, decoders, the character LM, the model-folder format and the
// recognizer over any inference engine. No Node API, no tfjs.
export { computeFeatures, extractFeatures, normalizeFeatures, normalizedFeatures, studentFeatureSpec, transcribeByLength, FEATURE_SAMPLE_RATE, FEATURE_BINS } from './features.js';
export * from './decode/index.js';
export { DTYPES, DTYPE_FILES, parseDtype } from './folder/dtype.js';
export type { Dtype } from './folder/dtype.js';
export { RECOGNIZER_MANIFEST, manifestFiles, parseManifest } from './folder/manifest.js';
export type { DecodingSpec, ExtraOutput, FeatureSpec, OnnxSpec, OnnxVariant, RecognizerManifest } from './folder/manifest.js';
export { ModelFolderError } from './folder/model-folder-error.js';
export type { ModelSource } from './folder/model-source.js';
export type { EngineFactory, EngineInput, EngineOptions, EngineOutput, InferenceEngine } from './engine/engine.js';
export { ortEngineFactory } from './engine/ort-engine.js';
export type { OrtBinding, OrtSession } from './engine/ort-engine.js';
export { ModelRecognizer, openRecognizer, readFolderLm, readManifest } from './recognizer.js';
export type { OpenRecognizerOptions, RecognizerOptions, StageTimings, TimedTranscript } from './recognizer.js';
