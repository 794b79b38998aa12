/** Thrown when audio bytes cannot be decoded (corrupt, truncated, unsupported encoding); names the source. */
export class AudioDecodeError extends Error {
  /** File path or label of the audio that failed. */
  readonly source: string;
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'AudioDecodeError';
    this.source = source;
  }
}

/** Thrown when decoded or caller-supplied samples are unusable (empty, NaN/Inf, too short). */
export class AudioInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioInputError';
  }
}

/** Thrown when a `kaldiFbank` option has a wrong value; names the option (camelCase) and the problem. */
export class FbankOptionError extends Error {
  /** The offending option name, e.g. `frameShift`. */
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`kaldiFbank option ${option}: ${problem}`);
    this.name = 'FbankOptionError';
    this.option = option;
  }
}

/** Thrown for invalid resampling rates or speed-perturbation factors. */
export class ResampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResampleError';
  }
}

/** Thrown by CMVN on a dimension mismatch, empty statistics or a malformed statistics file. */
export class CmvnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmvnError';
  }
}

/** Thrown when a SpecAugment option is out of range or the feature matrix shape is inconsistent. */
export class AugmentOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AugmentOptionError';
  }
}
