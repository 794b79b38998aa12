/** Base class of every error this package throws on purpose. */
export class SynthError extends Error {
  override name = 'SynthError';
}

/** `--preset` names no known preset. */
export class UnknownPresetError extends SynthError {
  override name = 'UnknownPresetError';
}

/** An existing output folder was generated with other settings (seed, preset), so it cannot be resumed. */
export class ConfigMismatchError extends SynthError {
  override name = 'ConfigMismatchError';
}

/** A speech engine failed on one utterance (the run skips and counts it). */
export class EngineError extends SynthError {
  override name = 'EngineError';
}

/** The Brown corpus text could not be read. */
export class CorpusTextError extends SynthError {
  override name = 'CorpusTextError';
}

/** A bad option value given to the library or the CLI. */
export class SynthOptionError extends SynthError {
  override name = 'SynthOptionError';
}
