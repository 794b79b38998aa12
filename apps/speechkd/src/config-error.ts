/** A bad main-job flag or preset (names it and what is allowed). */
export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
  /**
   * Exit code 2 (safe-io's convention): the settings are wrong and nothing was run. One raised while a
   * stage runs becomes a failure (1) in `runStage`; a stage that failed is a `StageFailedError`.
   */
  readonly exitCode: number = 2;
}
