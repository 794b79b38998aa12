import path from 'node:path';
import type { ManifestEntry } from '@speechkd/librispeech';
import { writeFileAtomic } from '@speechkd/safe-io';
import type { PlannedUtterance } from './plan.js';
import type { SubsetName } from './presets.js';

/** Name of the corpus folder created under the output directory. */
export const CORPUS_DIR = 'SynthLibri';

/** Audio path of an utterance: `<root>/<subset>/<spk>/<chapter>/<id>.wav`. */
export function audioPath(root: string, utt: PlannedUtterance): string {
  return path.join(root, utt.subset, utt.speaker, utt.chapter, `${utt.id}.wav`);
}

/** Transcript file of a chapter: `<root>/<subset>/<spk>/<chapter>/<spk>-<chapter>.trans.txt`. */
export function transPath(root: string, subset: SubsetName, speaker: string, chapter: string): string {
  return path.join(root, subset, speaker, chapter, `${speaker}-${chapter}.trans.txt`);
}

/** Manifest of a subset: `<root>/<subset>.jsonl`. */
export function manifestPath(root: string, subset: SubsetName): string {
  return path.join(root, `${subset}.jsonl`);
}

/** Writes every chapter's `trans.txt` (`<id> <TRANSCRIPT>` per line, sorted) for the finished utterances. */
export function writeTranscripts(root: string, entries: readonly (ManifestEntry & { subset: SubsetName })[]): void {
  const chapters = new Map<string, string[]>();
  for (const e of entries) {
    const file = transPath(root, e.subset, e.speaker, e.chapter);
    let lines = chapters.get(file);
    if (!lines) chapters.set(file, (lines = []));
    lines.push(`${e.id} ${e.text}`);
  }
  for (const [file, lines] of chapters) writeFileAtomic(file, lines.sort().join('\n') + '\n');
}
