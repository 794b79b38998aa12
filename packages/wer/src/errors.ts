/** Base class of every error a user can cause through `@speechkd/wer` (bad file, bad option, missing ids). */
export class WerError extends Error {
  override name = 'WerError';
}

/** A transcript file or string that cannot be parsed; the message names the file and line. */
export class TranscriptError extends WerError {
  override name = 'TranscriptError';
  /** File (or `<string>` source name) that failed. */
  readonly source: string;
  /** 1-based line number, or 0 when the problem concerns the whole file. */
  readonly line: number;

  constructor(source: string, line: number, problem: string) {
    super(line > 0 ? `${source}:${line}: ${problem}` : `${source}: ${problem}`);
    this.source = source;
    this.line = line;
  }
}

/** Strict mode found reference utterances without a hypothesis; lists (up to 10 of) the missing ids. */
export class MissingHypothesesError extends WerError {
  override name = 'MissingHypothesesError';
  /** All reference ids that have no hypothesis. */
  readonly missing: readonly string[];

  constructor(missing: readonly string[], total: number) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, ... (${missing.length - 10} more)` : '');
    super(
      `${missing.length} of ${total} reference utterances have no hypothesis: ${shown}. ` +
        `Use mode "present" to score only utterances that have one, or "all" to score missing ones as empty.`,
    );
    this.missing = missing;
  }
}

/** An option value that is not one of the accepted choices; names the option and the choices. */
export class WerOptionError extends WerError {
  override name = 'WerOptionError';
}

/** A recognizer returned a different number of transcripts than it was given utterances; names it and both counts. */
export class RecognizerOutputError extends WerError {
  override name = 'RecognizerOutputError';
  /** The recognizer's `name`, when it has one. */
  readonly recognizer: string | undefined;
  /** Transcripts it returned. */
  readonly got: number;
  /** Utterances it was given. */
  readonly expected: number;

  constructor(recognizer: string | undefined, got: number, expected: number) {
    super(`${recognizer ? `recognizer ${recognizer}` : 'the recognizer'} returned ${got} transcripts for ${expected} utterances`);
    this.recognizer = recognizer;
    this.got = got;
    this.expected = expected;
  }
}
