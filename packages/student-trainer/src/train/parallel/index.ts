// Data-parallel training across worker threads (see DataParallelStep).
export { DataParallelStep } from './data-parallel-step.js';
export type { DataParallelOptions, ParallelStepArgs, StepTimings } from './data-parallel-step.js';
export { shareUtterances, openSharedUtterances } from './shared-utterances.js';
export type { SharedUtterances } from './shared-utterances.js';
export { SliceWorker, countTerms, termScales } from './slice-work.js';
export type { SliceTask } from './slice-work.js';
