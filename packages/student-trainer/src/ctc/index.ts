export { ctcLoss } from './ctc-loss.js';
export type { CtcLossOptions, CtcReduction } from './ctc-loss.js';
export { CtcError } from './ctc-error.js';
export type { LengthsLike } from './ctc-inputs.js';
