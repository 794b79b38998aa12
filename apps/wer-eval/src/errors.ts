/** A user-caused wer-eval failure (bad flag combination, unloadable model, empty input); the CLI prints its message. */
export class WerEvalError extends Error {
  override name = 'WerEvalError';
}
