import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@speechkd/safe-io';

/** One utterance of a corpus manifest (one JSON object per line of a `.jsonl` file). */
export interface ManifestEntry {
  /** Utterance id, e.g. `1089-134686-0000`. */
  id: string;
  /** Audio path; relative paths are relative to the manifest file's directory. */
  audio: string;
  /** Duration in seconds. */
  duration: number;
  /** Speaker id (string, as in the corpus folder name). */
  speaker: string;
  /** Chapter id (string, as in the corpus folder name). */
  chapter: string;
  /** Reference transcript (LibriSpeech style: upper case A-Z, apostrophe, single spaces). */
  text: string;
}

/** Error for a manifest that cannot be read; names the file and line. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

const FIELDS: Array<[keyof ManifestEntry, 'string' | 'number']> = [
  ['id', 'string'], ['audio', 'string'], ['duration', 'number'], ['speaker', 'string'], ['chapter', 'string'], ['text', 'string'],
];

/** Parses manifest JSONL text; `source` names the file in errors. Audio paths are returned as written. */
export function parseManifest(text: string, source = '<manifest>'): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new ManifestError(`${source}:${i + 1}: not a JSON object`);
    }
    for (const [key, type] of FIELDS) {
      if (typeof obj[key] !== type) throw new ManifestError(`${source}:${i + 1}: field "${key}" must be a ${type}`);
    }
    const entry = obj as unknown as ManifestEntry;
    if (seen.has(entry.id)) throw new ManifestError(`${source}:${i + 1}: duplicate utterance id "${entry.id}"`);
    seen.add(entry.id);
    out.push(entry);
  }
  return out;
}

/** Reads a manifest file; relative audio paths are resolved against the manifest's directory. */
export function readManifest(file: string): ManifestEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`${file}: cannot read manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const dir = path.dirname(path.resolve(file));
  return parseManifest(text, file).map((e) => ({ ...e, audio: path.resolve(dir, e.audio) }));
}

/** Serializes entries to manifest JSONL (one object per line, fixed key order). */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return entries
    .map((e) => JSON.stringify({ id: e.id, audio: e.audio, duration: e.duration, speaker: e.speaker, chapter: e.chapter, text: e.text }))
    .join('\n') + (entries.length ? '\n' : '');
}

/** Writes a manifest atomically (temp file then rename); audio paths are stored relative to the file. */
export function writeManifest(file: string, entries: readonly ManifestEntry[]): void {
  const dir = path.dirname(path.resolve(file));
  const rel = entries.map((e) => ({ ...e, audio: path.isAbsolute(e.audio) ? path.relative(dir, e.audio) : e.audio }));
  writeFileAtomic(file, formatManifest(rel));
}
