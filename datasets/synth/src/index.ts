export { synthesizeCorpus } from './corpus.js';
export type { SynthesizeOptions, SynthProgress, SynthResult, SynthFailure } from './corpus.js';
export { buildPlan } from './plan.js';
export type { CorpusPlan, PlannedUtterance, PlanOptions } from './plan.js';
export { PRESETS, SUBSETS, getPreset } from './presets.js';
export type { PresetConfig, SubsetName } from './presets.js';
export { buildSpeakers, describeVoice, formatSpeakersTxt, voiceKey, ESPEAK_VOICES, ESPEAK_VARIANTS, FLITE_VOICES, VOICE_RANGES } from './speakers.js';
export type { SpeakerSpec } from './speakers.js';
export { loadBrownDocuments, parseBrownDocument, stripTags, MIN_WORDS, MAX_WORDS } from './brown.js';
export type { BrownDocument } from './brown.js';
export { normalizeSentence, normalizeToken } from './normalize.js';
export { cardinalWords, ordinalWords, yearWords } from './numbers.js';
export { applyAugment, drawAugment, makeNoise } from './augment.js';
export type { AugmentOptions, AugmentParams, NoiseType } from './augment.js';
export { synthesize } from './engines/index.js';
export type { EngineAudio, EngineName, VoiceSettings } from './engines/index.js';
export { renderUtterance, renderToFile, SAMPLE_RATE } from './render.js';
export type { RenderedUtterance } from './render.js';
export { inProcessExecutor, workerExecutor } from './executor.js';
export type { Executor } from './executor.js';
export { CORPUS_DIR, audioPath, transPath, manifestPath } from './layout.js';
export { mulberry32, deriveSeed } from '@speechkd/random';
export {
  SynthError, UnknownPresetError, ConfigMismatchError, EngineError, CorpusTextError, SynthOptionError,
} from './errors.js';
