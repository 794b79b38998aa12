/** Base class of every error this package raises on purpose. */
export class TeachersError extends Error {
  override name = 'TeachersError';
}

/** A cache directory or file is missing, malformed, or from an unknown format version. */
export class CacheFormatError extends TeachersError {
  override name = 'CacheFormatError';
}

/** Stored bytes do not match the checksum recorded in the index (corruption or a truncated copy). */
export class CacheChecksumError extends TeachersError {
  override name = 'CacheChecksumError';
}

/** The cache was built by different teachers (or teacher config) than the ones requested. */
export class CacheFingerprintError extends TeachersError {
  override name = 'CacheFingerprintError';
}

/** An utterance id was requested that the cache does not hold. */
export class CacheMissError extends TeachersError {
  override name = 'CacheMissError';
}

/** Another live process holds the write lock of a cache shard. */
export class CacheLockedError extends TeachersError {
  override name = 'CacheLockedError';
}

/** A bad argument or flag (e.g. `--shard 3/2`, an unknown layer). */
export class TeachersArgumentError extends TeachersError {
  override name = 'TeachersArgumentError';
  /** Exit code 2 (safe-io's convention): a wrong flag or argument, refused before the work it names. */
  readonly exitCode: number = 2;
}

/** A teacher checkpoint directory or model file cannot be loaded. */
export class TeacherLoadError extends TeachersError {
  override name = 'TeacherLoadError';
}
