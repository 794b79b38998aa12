import fs from 'node:fs';
import { TranscriptError, WerOptionError } from './errors.js';

/** Transcript file formats: `kaldi` is `ID word word ...` per line, `trn` is `word word ... (ID)`. */
export type TranscriptFormat = 'kaldi' | 'trn';

/** All accepted transcript formats, for option validation. */
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['kaldi', 'trn'];

const TRN_LINE = /^(.*?)\(([^()]*)\)\s*$/;
const WS = /\s+/;

/**
 * Parses transcript text into `id -> text` (insertion order = file order). Handling, by design:
 * CRLF and lone CR line ends are accepted; tabs and other whitespace separate words like spaces;
 * blank lines are skipped; a leading UTF-8 BOM is ignored; a kaldi line holding only an id is an
 * empty transcript, as is a trn line `(ID)`. Duplicate ids and trn lines without a trailing
 * `(ID)` throw `TranscriptError` naming `source` and the line.
 */
export function parseTranscripts(text: string, format: TranscriptFormat, source = '<string>'): Map<string, string> {
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(format)) {
    throw new WerOptionError(`format must be one of ${TRANSCRIPT_FORMATS.join(', ')} (got "${format}")`);
  }
  const out = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let id: string;
    let words: string;
    if (format === 'kaldi') {
      const t = line.trim();
      const m = WS.exec(t);
      id = m ? t.slice(0, m.index) : t;
      words = m ? t.slice(m.index + m[0].length) : '';
    } else {
      const m = TRN_LINE.exec(line);
      if (!m) {
        // No line at all in the trn layout: most likely a kaldi file read with the wrong format.
        const kaldi = !lines.some((l) => TRN_LINE.test(l)) ? '; no line ends with "(ID)": this looks like a kaldi file "ID word ...", pass --format kaldi' : '';
        throw new TranscriptError(source, i + 1, `expected a trn line "word word ... (ID)" ending with the utterance id in parentheses${kaldi}`);
      }
      id = m[2].trim();
      words = m[1].trim();
      if (id === '' || WS.test(id)) throw new TranscriptError(source, i + 1, `utterance id "(${m[2]})" must be one non-empty token`);
    }
    const prev = firstLine.get(id);
    if (prev !== undefined) throw new TranscriptError(source, i + 1, `duplicate utterance id "${id}" (first seen on line ${prev})`);
    firstLine.set(id, i + 1);
    out.set(id, words);
  }
  return out;
}

/** Decodes bytes as strict UTF-8; on invalid bytes throws `TranscriptError` naming the first bad line. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Newline bytes never occur inside a UTF-8 multi-byte sequence, so lines can be checked one by one.
    const dec = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          dec.decode(bytes.subarray(start, i));
        } catch {
          throw new TranscriptError(source, line, 'not valid UTF-8 text; convert the file to UTF-8 (e.g. iconv -t UTF-8)');
        }
        line++;
        start = i + 1;
      }
    }
    throw new TranscriptError(source, 0, 'not valid UTF-8 text');
  }
}

/**
 * Reads a transcript file (strict UTF-8) into `id -> text`. A file with no utterances is returned
 * as an empty map; callers decide whether that is an error (the scorer rejects an empty reference).
 */
export function readTranscripts(file: string, format: TranscriptFormat): Map<string, string> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TranscriptError(file, 0, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? (err as Error).message})`);
  }
  return parseTranscripts(decodeUtf8(bytes, file), format, file);
}

/** Formats `id -> text` as transcript text in the given format (one utterance per line). */
export function formatTranscripts(entries: Iterable<[string, string]>, format: TranscriptFormat): string {
  let s = '';
  for (const [id, text] of entries) s += format === 'kaldi' ? (text ? `${id} ${text}\n` : `${id}\n`) : (text ? `${text} (${id})\n` : `(${id})\n`);
  return s;
}
