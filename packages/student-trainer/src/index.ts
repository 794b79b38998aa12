export { CHAR_VOCAB, BLANK_ID, encodeText, decodeIds, normalizeTranscript } from './model/vocab.js';
export { MODEL_PRESETS, resolveModelConfig, subsampledLength, ModelConfigError } from './model/config.js';
export type { ModelConfig } from './model/config.js';
export { createStudent, StudentModel } from './model/student.js';
export type { ForwardOptions, ForwardOutput } from './model/student.js';
export { ParamStore } from './model/params.js';
export { Rng, mixSeed } from './model/rng.js';
export { flopCounter } from './model/ops.js';
export * from './ctc/index.js';
