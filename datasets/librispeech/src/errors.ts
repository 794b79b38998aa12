/** Kinds of corpus-layout problems the reader detects. */
export type ProblemKind =
  | 'missing-audio'
  | 'orphan-audio'
  | 'orphan-transcript'
  | 'duplicate-id'
  | 'malformed-line'
  | 'unreadable-audio';

/** A layout problem found while reading a LibriSpeech subset; names the file and (1-based) line, 0 = whole file. */
export interface LibriSpeechProblem {
  /** What is wrong. */
  kind: ProblemKind;
  /** File the problem is in (transcript or audio path). */
  file: string;
  /** 1-based line in `file`, 0 when it concerns the whole file. */
  line: number;
  /** Human-readable explanation. */
  message: string;
}

/** A corpus-layout problem raised with `onProblem: 'error'` (the default); `problem` says which. */
export class LibriSpeechError extends Error {
  override name = 'LibriSpeechError';
  /** The problem found. */
  readonly problem: LibriSpeechProblem;

  constructor(problem: LibriSpeechProblem) {
    const where = problem.line > 0 ? `${problem.file}:${problem.line}` : problem.file;
    super(`${where}: ${problem.message} [${problem.kind}] (pass onProblem: 'skip' / --skip-problems to skip such entries)`);
    this.problem = problem;
  }
}

/** A subset folder or option that cannot be used (wrong root, unknown subset name, ...). */
export class LibriSpeechInputError extends Error {
  override name = 'LibriSpeechInputError';
}

/** Download, checksum or extraction failure; the message says whether rerunning resumes. */
export class DownloadError extends Error {
  override name = 'DownloadError';
}
