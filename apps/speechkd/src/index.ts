export { runPipeline, runPaths, parseSpeechLayers, studentVariants } from './pipeline.js';
export type { PipelineResult, RunPaths, RunPipelineOptions, StudentVariant } from './pipeline.js';
export { DEFAULT_PIPELINE, PIPELINE_PRESETS, PipelineConfigError, resolvePipelineConfig } from './pipeline-config.js';
export type { PipelineConfig } from './pipeline-config.js';
export { evaluateSystems } from './evaluate-systems.js';
export type { SystemResult, SystemSpec, TestSetResult } from './evaluate-systems.js';
export { formatTextTable, relativeWerChange, resultTable, writeReports } from './report.js';
export { readStage, runStage, writeJsonAtomic } from './stage.js';
export type { StageRecord } from './stage.js';
