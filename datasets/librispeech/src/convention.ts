/** LibriSpeech transcripts: words of upper case A-Z and apostrophes, separated by single spaces. */
const LIBRISPEECH_TEXT = /^[A-Z']+( [A-Z']+)*$/;

/** A transcript that breaks the LibriSpeech convention (e.g. lower case, digits, punctuation). */
export interface ConventionBreak {
  /** Utterance id. */
  id: string;
  /** Transcript file and 1-based line. */
  file: string;
  line: number;
  /** The transcript text. */
  text: string;
}

/** True when `text` follows the LibriSpeech transcript convention (upper case A-Z plus apostrophe). */
export function followsLibriSpeechConvention(text: string): boolean {
  return LIBRISPEECH_TEXT.test(text);
}

/**
 * One warning line for transcripts that break the convention, or undefined when all follow it:
 * how many, the first one, and what to do (scoring such references against a LibriSpeech-style
 * recognizer without normalization gives a wrong WER).
 */
export function describeConventionBreaks(breaks: readonly ConventionBreak[], total: number): string | undefined {
  if (breaks.length === 0) return undefined;
  const b = breaks[0];
  const shown = b.text.length > 60 ? `${b.text.slice(0, 57)}...` : b.text;
  return `${breaks.length} of ${total} transcripts break the LibriSpeech convention (upper case A-Z plus apostrophe), first ${b.file}:${b.line} "${shown}"; `
    + 'score them with --normalize librispeech, or fix the transcripts';
}
