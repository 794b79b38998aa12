// @speechkd/alignment: knowledge-distillation and cross-modal alignment losses for TensorFlow.js.
// Depends on @tensorflow/tfjs-core only. Training needs gradients registered (import '@tensorflow/tfjs'
// or '@tensorflow/tfjs-core/dist/register_all_gradients' under a bundler); see README.

export { AlignmentError } from './errors.js';
export { lengthsToMask, maskToLengths } from './mask.js';
export { reduceMasked, REDUCTIONS } from './reduce.js';
export type { Reduction } from './reduce.js';
export { mulberry32 } from './random.js';
export { matMul as fastMatMul } from './mat-mul.js';

export { kdLoss, kdLossFromProbs, DEFAULT_TEMPERATURE } from './kd/kd-loss.js';
export type { KdLossOptions } from './kd/kd-loss.js';
export { kdMix } from './kd/kd-mix.js';

export { l1Loss } from './hidden/l1-loss.js';
export type { HiddenLossOptions } from './hidden/l1-loss.js';
export { mseLoss } from './hidden/mse-loss.js';
export { cosineLoss } from './hidden/cosine-loss.js';
export { logSigmoidCosineLoss } from './hidden/log-sigmoid-cosine-loss.js';
export { cosineSimilarity, l2Normalize, COSINE_EPS } from './hidden/cosine.js';
export { hiddenLoss, HIDDEN_LOSS_KINDS } from './hidden/hidden-loss.js';
export type { HiddenLossKind } from './hidden/hidden-loss.js';
export { createProjector } from './hidden/projector.js';
export type { Projector, ProjectorOptions } from './hidden/projector.js';
export { explicitLayerMap, uniformLayerMap, lastKLayerMap, pairKey } from './hidden/layer-map.js';
export type { LayerPair } from './hidden/layer-map.js';
export { layerMatchLoss } from './hidden/layer-match-loss.js';
export type { LayerMatchOptions, LayerMatchResult } from './hidden/layer-match-loss.js';

export { gramLoss } from './relational/gram-loss.js';
export type { RelationalOptions } from './relational/gram-loss.js';
export { fspLoss, fspMatrix } from './relational/fsp-loss.js';
export { attentionTransferLoss, ATTENTION_EPS } from './relational/attention-transfer-loss.js';
export type { AttentionTransferOptions } from './relational/attention-transfer-loss.js';
export { ckaLoss, linearCka } from './relational/cka-loss.js';

export { createAttentionAligner, attentionAlignLoss } from './cross-modal/attention-aligner.js';
export type {
  AttentionAligner,
  AttentionAlignerOptions,
  AttentionAlignLossOptions,
  AlignDirection,
  AlignOutput,
} from './cross-modal/attention-aligner.js';
export { resampleTime, resampleWeights } from './cross-modal/resample-time.js';
export { pooledMatchLoss, meanPool } from './cross-modal/pooled-match-loss.js';
export type { PooledMatchOptions } from './cross-modal/pooled-match-loss.js';
export { infoNceLoss } from './cross-modal/info-nce-loss.js';
export type { InfoNceOptions } from './cross-modal/info-nce-loss.js';
export { alignmentPool, alignmentPoolLoss, ctcPathToAlignment, alignmentTensor } from './cross-modal/alignment-pool.js';
export type { AlignmentPoolResult, AlignmentPoolLossOptions } from './cross-modal/alignment-pool.js';

export { constantTemperature, linearTemperature, cosineTemperature } from './schedules/temperature-schedule.js';
export type { TemperatureSchedule, AnnealOptions } from './schedules/temperature-schedule.js';
export { adaptiveTemperature, meanSoftmaxEntropy } from './schedules/adaptive-temperature.js';
export type { AdaptiveTemperatureOptions } from './schedules/adaptive-temperature.js';
export { fixedWeighting } from './schedules/fixed-weighting.js';
export type { LossWeighting } from './schedules/fixed-weighting.js';
export { createUncertaintyWeighting } from './schedules/uncertainty-weighting.js';
export type { UncertaintyWeighting } from './schedules/uncertainty-weighting.js';
export { createGradNormBalancer } from './schedules/grad-norm-balancer.js';
export type { GradNormBalancer, GradNormOptions } from './schedules/grad-norm-balancer.js';

export { createTeacherGate } from './fusion/teacher-gate.js';
export type { TeacherGate, TeacherGateOptions } from './fusion/teacher-gate.js';
export { fuseTeacherLogits, fuseTeacherStates } from './fusion/fuse-teachers.js';
export type { TeacherWeights } from './fusion/fuse-teachers.js';
