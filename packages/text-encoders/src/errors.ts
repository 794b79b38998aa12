/** A tokenizer directory is missing, incomplete or unreadable. */
export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

/** A text teacher cannot be loaded (missing model file, bad checkpoint, bad input). */
export class TextTeacherError extends Error {
  override name = 'TextTeacherError';
}

/** Bad text-tower training configuration, flag or checkpoint. */
export class TextTowerError extends Error {
  override name = 'TextTowerError';
}
