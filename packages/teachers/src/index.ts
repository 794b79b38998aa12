export type { SpeechTeacher, SpeechTeacherOutput, SpeechExtractOptions, CacheTextTeacher, CacheTextOutput } from './speech-teacher.js';
export {
  TeachersError, CacheFormatError, CacheChecksumError, CacheFingerprintError, CacheMissError, CacheLockedError,
  TeachersArgumentError, TeacherLoadError,
} from './errors.js';
export { float32ToFloat16, float16ToFloat32 } from './cache/float16.js';
export { parseShardSpec, shardOfId, shardDirName, resolveShard, slurmShard, kubernetesShard, expandSlurmArray } from './cache/partition.js';
export type { ShardSpec, ResolvedShard } from './cache/partition.js';
export { DEFAULT_STORAGE, resolveStorage, encodeInt8Rows, decodeInt8Rows, encodeTopK, decodeTopK, poolFrames, projectionMatrix, projectRows } from './cache/storage.js';
export type { StorageOptions } from './cache/storage.js';
export { mergeTeacherCache } from './cache/merge-cache.js';
export type { MergeCacheOptions, MergeCacheResult } from './cache/merge-cache.js';
export { acquireShardLock, newWriterId } from './cache/shard-lock.js';
export type { ShardLock, ShardLockOptions, LockHolder } from './cache/shard-lock.js';
export {
  CACHE_FORMAT, CACHE_VERSION, READABLE_CACHE_VERSIONS, HEADER_FILE, MERGED_INDEX_FILE, SPEECH_LOGITS, TEXT_IDS, speechHiddenName, textHiddenName, makeHeader,
} from './cache/format.js';
export type {
  CacheHeader, IndexEntry, TensorEntry, StoredDType, FloatDType, HiddenDType, SpeechCacheKey, SpeechStorageKey, TextCacheKey,
} from './cache/format.js';
export { encodeRecord, decodeRecord } from './cache/record.js';
export type { TensorInput, DecodedTensor, EncodedRecord } from './cache/record.js';
export { readHeader, checkFingerprint } from './cache/header.js';
export type { ExpectedFingerprint } from './cache/header.js';
export { buildTeacherCache, headerFor } from './cache/build-cache.js';
export type { BuildCacheOptions, BuildCacheResult, BuildProgress, CacheUtterance } from './cache/build-cache.js';
export { mergeCacheIndex } from './cache/merge-index.js';
export type { MergeResult } from './cache/merge-index.js';
export { openTeacherCache } from './cache/read-cache.js';
export type { TeacherCache, CachedTargets, CachedTensor, OpenCacheOptions, CacheReadStats } from './cache/read-cache.js';
export { loadOnnxSpeechTeacher, readCtcVocab } from './onnx/onnx-speech-teacher.js';
export type { OnnxSpeechTeacherOptions } from './onnx/onnx-speech-teacher.js';
export { convFrameCount, convFrameRate, zeroMeanUnitVariance, readPreprocessorConfig, readModelConfig } from './onnx/wav2vec2-config.js';
export type { ConvLayerSpec, Wav2vec2Preprocessor, Wav2vec2ModelConfig } from './onnx/wav2vec2-config.js';
export { analyseSpeechGraph } from './onnx/speech-graph.js';
export type { SpeechGraphInfo } from './onnx/speech-graph.js';
export { sha1Parts, sha1File, canonicalJson } from './fingerprint.js';
export { textTeacherForCache } from './text-adapter.js';
export { createModelSpeechTeacher, modelFingerprint } from './in-project/model-speech-teacher.js';
export type { HiddenStateModel, ModelSpeechTeacherOptions, FeatureFrames } from './in-project/model-speech-teacher.js';
export { loadInProjectSpeechTeacher, resolveModelDir } from './in-project/load-in-project-teacher.js';
export type { InProjectTeacherOptions } from './in-project/load-in-project-teacher.js';
export { loadInProjectTextTeacher } from './in-project/load-text-tower.js';
export { parseLayerList } from './cli/layers.js';
export { loadAudioAt } from './cli/load-audio.js';
export { padCachedBatch } from './cache/pad-batch.js';
export type { PaddedBatch } from './cache/pad-batch.js';
export { parseTeacherSpec, loadSpeechTeacherFlag, loadTextTeacherFlag } from './cli/load-teachers.js';
export type { TeacherSpec, TeacherLoadOptions } from './cli/load-teachers.js';
export { downloadProgress } from './cli/progress.js';
export { createLiveTargets, openLiveTargets } from './live/live-targets.js';
export type { LiveTargets, LiveTargetsOptions, OpenLiveTargetsOptions } from './live/live-targets.js';
export { recordTargets } from './cache/read-cache.js';
