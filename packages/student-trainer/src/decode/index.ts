export { greedyDecode, collapseCtc } from './greedy-decode.js';
export type { GreedyDecodeOptions } from './greedy-decode.js';
export { prefixBeamSearch, prefixBeamSearchBatch } from './prefix-beam-search.js';
export type { BeamHypothesis, PrefixBeamSearchOptions, PrefixScorer } from './prefix-beam-search.js';
export { CharNgramLm, DEFAULT_LM_ORDER } from './char-ngram-lm.js';
export type { CharNgramLmOptions, LmFusionOptions } from './char-ngram-lm.js';
