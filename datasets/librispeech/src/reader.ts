import fs from 'node:fs';
import path from 'node:path';
import { followsLibriSpeechConvention } from './convention.js';
import type { ConventionBreak } from './convention.js';
import { LibriSpeechError, LibriSpeechInputError } from './errors.js';
import type { LibriSpeechProblem, ProblemKind } from './errors.js';

/** One utterance of a LibriSpeech subset. */
export interface LibriSpeechUtterance {
  /** `<speaker>-<chapter>-<n>`, e.g. `1089-134686-0000`. */
  id: string;
  /** Speaker folder name. */
  speaker: string;
  /** Chapter folder name. */
  chapter: string;
  /** Transcript (whitespace collapsed; LibriSpeech: upper case A-Z and apostrophe). */
  text: string;
  /** Absolute audio path. */
  audio: string;
  /** Transcript file and 1-based line the text came from. */
  transcriptFile: string;
  /** 1-based line in `transcriptFile`. */
  line: number;
}

/** Options of `readLibriSpeechSubset`. */
export interface ReadSubsetOptions {
  /** `error` (default): throw `LibriSpeechError` at the first problem; `skip`: skip the entry and count it. */
  onProblem?: 'error' | 'skip';
  /** Audio extensions to look for, in order of preference (default `['flac', 'wav']`). */
  audioExtensions?: readonly string[];
}

/** Result of reading a subset: usable utterances plus what was skipped (only with `onProblem: 'skip'`). */
export interface SubsetContents {
  /** Absolute subset folder, e.g. `/data/LibriSpeech/test-clean`. */
  dir: string;
  /** Utterances sorted by speaker, chapter, utterance number. */
  utterances: LibriSpeechUtterance[];
  /** Skipped entries per problem kind. */
  skipped: Record<ProblemKind, number>;
  /** Every problem found, in discovery order. */
  problems: LibriSpeechProblem[];
  /** Usable utterances whose transcript breaks the convention (upper case A-Z plus apostrophe); see `describeConventionBreaks`. */
  conventionBreaks: ConventionBreak[];
}

const UTT_ID = /^(\d+)-(\d+)-(\d+)$/;

/** Problem sink: throws in `error` mode, records and counts in `skip` mode. */
export class ProblemLog {
  /** Skipped entries per kind. */
  readonly skipped: Record<ProblemKind, number> = {
    'missing-audio': 0, 'orphan-audio': 0, 'orphan-transcript': 0, 'duplicate-id': 0, 'malformed-line': 0, 'unreadable-audio': 0,
  };
  /** Problems in discovery order. */
  readonly problems: LibriSpeechProblem[] = [];

  /** `mode` decides between throwing and recording. */
  constructor(private readonly mode: 'error' | 'skip') {
    if (mode !== 'error' && mode !== 'skip') throw new LibriSpeechInputError(`onProblem must be "error" or "skip" (got "${String(mode)}")`);
  }

  /** Reports one problem. */
  report(kind: ProblemKind, file: string, line: number, message: string): void {
    const p = { kind, file, line, message };
    if (this.mode === 'error') throw new LibriSpeechError(p);
    this.skipped[kind]++;
    this.problems.push(p);
  }
}

const byNumber = (a: string, b: string): number => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0);

function subdirs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort(byNumber);
}

/**
 * Finds `<subset>` under `root`: accepts the `LibriSpeech` folder itself or its parent (the folder
 * the official archives are extracted into). Throws `LibriSpeechInputError` listing what is there.
 */
export function resolveSubsetDir(root: string, subset: string): string {
  if (!subset || subset.includes('/') || subset.includes('\\') || subset === '..' || subset === '.') {
    throw new LibriSpeechInputError(`invalid subset name "${subset}" (expected e.g. test-clean)`);
  }
  for (const dir of [path.resolve(root, subset), path.resolve(root, 'LibriSpeech', subset)]) {
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return dir;
  }
  if (!fs.existsSync(root)) throw new LibriSpeechInputError(`--root ${root}: folder not found`);
  const here = fs.statSync(root).isDirectory() ? subdirs(root).join(', ') : '';
  throw new LibriSpeechInputError(`no subset "${subset}" under ${root} (nor ${path.join(root, 'LibriSpeech')}); found: ${here || 'nothing'}`);
}

/**
 * Reads the standard layout `<subset>/<speaker>/<chapter>/` with `<speaker>-<chapter>.trans.txt`
 * and one audio file per utterance (FLAC as distributed, or WAV copies). Detects transcript lines
 * without audio (`missing-audio`), audio without a transcript line (`orphan-audio`), transcript
 * files not named after their folder (`orphan-transcript`), repeated ids (`duplicate-id`) and
 * lines that are not `<speaker>-<chapter>-<n> TEXT` (`malformed-line`).
 */
export function readLibriSpeechSubset(root: string, subset: string, options: ReadSubsetOptions = {}): SubsetContents {
  const dir = resolveSubsetDir(root, subset);
  const log = new ProblemLog(options.onProblem ?? 'error');
  const exts = (options.audioExtensions ?? ['flac', 'wav']).map((e) => e.replace(/^\./, '').toLowerCase());
  const utterances: LibriSpeechUtterance[] = [];
  const conventionBreaks: ConventionBreak[] = [];
  const seen = new Map<string, string>();
  for (const speaker of subdirs(dir)) {
    for (const chapter of subdirs(path.join(dir, speaker))) {
      const chapterDir = path.join(dir, speaker, chapter);
      const files = fs.readdirSync(chapterDir).sort();
      const audio = new Map<string, string>();
      for (const ext of [...exts].reverse()) {
        for (const f of files) if (f.toLowerCase().endsWith(`.${ext}`)) audio.set(f.slice(0, -ext.length - 1), path.join(chapterDir, f));
      }
      const expected = `${speaker}-${chapter}.trans.txt`;
      for (const f of files) {
        if (f.endsWith('.trans.txt') && f !== expected) {
          log.report('orphan-transcript', path.join(chapterDir, f), 0, `transcript file does not belong in ${speaker}/${chapter}/ (expected name ${expected})`);
        }
      }
      const used = new Set<string>();
      if (files.includes(expected)) {
        const transFile = path.join(chapterDir, expected);
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(transFile));
        } catch {
          log.report('malformed-line', transFile, 0, 'transcript file is not valid UTF-8 text');
          text = '';
        }
        const lines = text.split(/\r\n|\r|\n/);
        for (let i = 0; i < lines.length; i++) {
          const raw = lines[i].trim();
          if (raw === '') continue;
          const sp = raw.search(/\s/);
          const id = sp < 0 ? raw : raw.slice(0, sp);
          const words = sp < 0 ? '' : raw.slice(sp).trim().split(/\s+/).join(' ');
          const m = UTT_ID.exec(id);
          if (!m || m[1] !== speaker || m[2] !== chapter) {
            log.report('malformed-line', transFile, i + 1, `expected "<speaker>-<chapter>-<n> TEXT" with id starting ${speaker}-${chapter}-, got "${raw.slice(0, 60)}"`);
            continue;
          }
          if (words === '') {
            log.report('malformed-line', transFile, i + 1, `utterance ${id} has no transcript text`);
            continue;
          }
          const first = seen.get(id);
          if (first !== undefined) {
            log.report('duplicate-id', transFile, i + 1, `duplicate utterance id ${id} (first at ${first})`);
            continue;
          }
          seen.set(id, `${transFile}:${i + 1}`);
          const audioPath = audio.get(id);
          if (!audioPath) {
            log.report('missing-audio', transFile, i + 1, `no audio file for ${id} (looked for ${exts.map((e) => `${id}.${e}`).join(', ')})`);
            continue;
          }
          used.add(id);
          if (!followsLibriSpeechConvention(words)) conventionBreaks.push({ id, file: transFile, line: i + 1, text: words });
          utterances.push({ id, speaker, chapter, text: words, audio: audioPath, transcriptFile: transFile, line: i + 1 });
        }
      }
      for (const [id, file] of audio) {
        if (!used.has(id) && !seen.has(id)) {
          log.report('orphan-audio', file, 0, files.includes(expected) ? `audio has no line in ${expected}` : `audio has no transcript (${expected} is missing)`);
        }
      }
    }
  }
  return { dir, utterances, skipped: log.skipped, problems: log.problems, conventionBreaks };
}
