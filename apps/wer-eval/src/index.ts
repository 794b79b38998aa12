export { WerEvalError } from './errors.js';
export { scoreFiles, formatSummary, reportMixups, warnOnStderr } from './score-files.js';
export type { ScoreFilesOptions } from './score-files.js';
export { evaluateLibriSpeech, formatOneLine } from './evaluate-librispeech.js';
export type { EvaluateLibriSpeechOptions, EvaluationResult } from './evaluate-librispeech.js';
export { formatRecogs, formatErrs, formatWerSummary } from './result-files.js';
export { renderReport } from './report-html.js';
export type { ReportInfo } from './report-html.js';
export { loadModelRecognizer } from './load-model.js';
