export { DEFAULT_DISTILL_CONFIG, DistillConfigError, resolveDistillConfig } from './distill-config.js';
export type { DistillConfig } from './distill-config.js';
export { resolveLayerPairs } from './layer-pairs.js';
export { loadBatchTargets, disposeBatchTargets, padStack, TargetError } from './batch-targets.js';
export type { BatchTargets, PaddedStack, TargetRequest, TargetSource } from './batch-targets.js';
export { createDistillObjective, openDistillObjective } from './distill-objective.js';
export type { DistillObjective, OpenDistillObjectiveOptions, StudentShape } from './distill-objective.js';
export { teacherLogitColumns, gatherColumns } from './ctc-label-map.js';
