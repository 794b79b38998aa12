import { readAudioInfo } from '@speechkd/audio-features';
import type { ManifestEntry } from './manifest.js';
import { ProblemLog, readLibriSpeechSubset } from './reader.js';
import type { ReadSubsetOptions } from './reader.js';
import type { ConventionBreak } from './convention.js';
import type { LibriSpeechProblem, ProblemKind } from './errors.js';

/** Options of `buildManifest`. */
export interface BuildManifestOptions extends ReadSubsetOptions {
  /** Audio headers read in parallel (default 16). */
  concurrency?: number;
  /** Called after each audio header with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Manifest entries (absolute audio paths) plus what was skipped. */
export interface BuiltManifest {
  /** One entry per usable utterance, in corpus order. */
  entries: ManifestEntry[];
  /** Skipped entries per problem kind (only with `onProblem: 'skip'`). */
  skipped: Record<ProblemKind, number>;
  /** Every problem found. */
  problems: LibriSpeechProblem[];
  /** Transcripts that break the LibriSpeech convention (see `describeConventionBreaks`). */
  conventionBreaks: ConventionBreak[];
}

/**
 * Builds manifest entries for a LibriSpeech subset. Durations come from the audio headers
 * (`readAudioInfo`: WAV chunk headers, FLAC STREAMINFO), not from decoding the audio. Pass the
 * result's `entries` to `writeManifest(file, entries)` to store it with relative paths.
 */
export async function buildManifest(root: string, subset: string, options: BuildManifestOptions = {}): Promise<BuiltManifest> {
  const mode = options.onProblem ?? 'error';
  const contents = readLibriSpeechSubset(root, subset, options);
  const log = new ProblemLog(mode);
  const utts = contents.utterances;
  const durations = new Float64Array(utts.length).fill(NaN);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < utts.length) {
      const k = next++;
      try {
        durations[k] = (await readAudioInfo(utts[k].audio)).duration;
      } catch (err) {
        if (mode === 'error') next = utts.length; // stop the other workers
        log.report('unreadable-audio', utts[k].audio, 0, `cannot read audio header: ${(err as Error).message}`);
      }
      options.onProgress?.(++done, utts.length);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 16, utts.length));
  await Promise.all(Array.from({ length: n }, worker));
  const entries: ManifestEntry[] = [];
  utts.forEach((u, k) => {
    if (!Number.isNaN(durations[k])) entries.push({ id: u.id, audio: u.audio, duration: durations[k], speaker: u.speaker, chapter: u.chapter, text: u.text });
  });
  const skipped = { ...contents.skipped };
  skipped['unreadable-audio'] += log.skipped['unreadable-audio'];
  return { entries, skipped, problems: [...contents.problems, ...log.problems], conventionBreaks: contents.conventionBreaks };
}
