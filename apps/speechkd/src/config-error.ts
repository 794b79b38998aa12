/** A bad main-job flag or preset (names it and what is allowed). */
export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}
