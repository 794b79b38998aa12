import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudioInfo } from '@speechkd/audio-features';
import type { ManifestEntry } from '@speechkd/librispeech';
import { writeManifest } from '@speechkd/librispeech';
import { prepareOutputDir, removeStaleTemps, writeFileAtomic } from '@speechkd/safe-io';
import type { AugmentOptions } from './augment.js';
import { ConfigMismatchError, SynthOptionError } from './errors.js';
import type { Executor } from './executor.js';
import { inProcessExecutor, workerExecutor } from './executor.js';
import { audioPath, CORPUS_DIR, manifestPath, writeTranscripts } from './layout.js';
import type { CorpusPlan, PlannedUtterance } from './plan.js';
import { buildPlan } from './plan.js';
import type { PresetConfig, SubsetName } from './presets.js';
import { getPreset, SUBSETS } from './presets.js';
import { formatSpeakersTxt } from './speakers.js';

/** Options of synthesizeCorpus. */
export interface SynthesizeOptions {
  /** Preset name (`tiny`, `small`, `full`) or a custom size. */
  preset: string | PresetConfig;
  /** Output directory; the corpus goes to `<out>/SynthLibri`. */
  out: string;
  /** Seed (non-negative integer; default 1). */
  seed?: number;
  /** Worker processes (default: available cores; 0 renders on the calling thread). */
  workers?: number;
  /** Augmentation: true for defaults, an object to tune, false/undefined for clean speech. */
  augment?: boolean | AugmentOptions;
  /** Only render the first `limit` planned utterances (tests, quick looks); manifests then cover only those. */
  limit?: number;
  /** Called after every utterance. */
  onProgress?: (progress: SynthProgress) => void;
  /** Stops dispatching new utterances; finished files are kept, manifests are not written. */
  signal?: AbortSignal;
  /** Custom renderer (tests); overrides `workers`. */
  executor?: Executor;
}

/** Progress after each utterance. */
export interface SynthProgress {
  /** Utterances handled so far (rendered, found on disk, or failed). */
  done: number;
  /** Utterances to handle. */
  total: number;
  /** Failures so far. */
  failed: number;
  /** Seconds of audio handled so far. */
  audioSeconds: number;
}

/** One utterance the engine could not render (skipped). */
export interface SynthFailure {
  /** Utterance id. */
  id: string;
  /** Engine error message. */
  error: string;
}

/** What a run produced. */
export interface SynthResult {
  /** `<out>/SynthLibri`. */
  root: string;
  /** Utterances planned (after `limit`). */
  planned: number;
  /** Utterances rendered in this run. */
  synthesized: number;
  /** Utterances already on disk from an earlier run (kept, not redone). */
  skipped: number;
  /** Utterances the engine failed on (not in manifests or transcripts). */
  failures: SynthFailure[];
  /** Finished utterances per subset. */
  utterances: Record<SubsetName, number>;
  /** Audio seconds per subset. */
  seconds: Record<SubsetName, number>;
  /** Manifest path per subset (written only when the run was not aborted). */
  manifests: Record<SubsetName, string>;
  /** LibriSpeech-style speakers file. */
  speakersFile: string;
  /** Wall-clock seconds of the run. */
  wallSeconds: number;
  /** Audio seconds rendered in this run divided by wall seconds. */
  realtimeFactor: number;
  /** True when `signal` stopped the run early. */
  aborted: boolean;
}

const CONFIG_FILE = 'synth-config.json';

function checkOptions(o: SynthesizeOptions): { preset: PresetConfig; seed: number; augment: AugmentOptions | false } {
  const preset = typeof o.preset === 'string' ? getPreset(o.preset) : o.preset;
  const seed = o.seed ?? 1;
  const first = preset.firstSpeakerId;
  if (first !== undefined && (!Number.isInteger(first) || first < 1)) throw new SynthOptionError(`preset ${preset.name}: firstSpeakerId must be a positive integer, got ${first}`);
  if (!Number.isInteger(seed) || seed < 0) throw new SynthOptionError(`seed must be a non-negative integer, got ${seed}`);
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 0)) {
    throw new SynthOptionError(`workers must be a non-negative integer, got ${o.workers}`);
  }
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0)) throw new SynthOptionError(`limit must be a non-negative integer, got ${o.limit}`);
  const augment = o.augment === true ? {} : o.augment || false;
  return { preset, seed, augment };
}

/** Creates the corpus folder and proves it is writable (`OutputPathError` naming it and the cause otherwise). */
function prepareRoot(out: string): string {
  return prepareOutputDir(path.resolve(out, CORPUS_DIR), { flag: '--out' });
}

/** Records the settings of a corpus folder, or refuses to resume one made with other settings. */
function checkConfig(root: string, config: object): void {
  const file = path.join(root, CONFIG_FILE);
  const text = JSON.stringify(config, null, 2) + '\n';
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file, 'utf8');
    if (old !== text) {
      throw new ConfigMismatchError(`${root} was generated with other settings (see ${CONFIG_FILE}); use another --out folder or the same preset, seed and augmentation`);
    }
    return;
  }
  writeFileAtomic(file, text);
}

/** Generates (or resumes) a SynthLibri corpus: audio, trans.txt files, SPEAKERS.TXT, speakers.json and manifests. */
export async function synthesizeCorpus(options: SynthesizeOptions): Promise<SynthResult> {
  const started = performance.now();
  const { preset, seed, augment } = checkOptions(options);
  const root = prepareRoot(options.out);
  checkConfig(root, { generator: '@speechkd/synth', format: 1, seed, preset, augment });
  removeStaleTemps(root);
  const plan: CorpusPlan = buildPlan(preset, { seed, augment });
  const todo = options.limit === undefined ? plan.utterances : plan.utterances.slice(0, options.limit);

  const workers = options.workers ?? Math.max(1, os.availableParallelism());
  const executor = options.executor ?? (workers === 0 ? inProcessExecutor() : workerExecutor(workers));
  const durations = new Map<string, number>();
  const failures: SynthFailure[] = [];
  let synthesized = 0;
  let skipped = 0;
  let renderedSeconds = 0;
  let done = 0;
  let audioSeconds = 0;
  const report = (): void => options.onProgress?.({ done, total: todo.length, failed: failures.length, audioSeconds });

  const handle = async (utt: PlannedUtterance): Promise<void> => {
    const file = audioPath(root, utt);
    let duration: number | undefined;
    if (fs.existsSync(file)) {
      duration = (await readAudioInfo(file)).duration;
      skipped++;
    } else {
      try {
        duration = await executor.run(utt, file);
        synthesized++;
        renderedSeconds += duration;
      } catch (err) {
        failures.push({ id: utt.id, error: (err as Error).message });
      }
    }
    if (duration !== undefined) {
      durations.set(utt.id, duration);
      audioSeconds += duration;
    }
    done++;
    report();
  };

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length && !options.signal?.aborted) await handle(todo[next++]);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, executor.concurrency) }, lane));
  } finally {
    if (!options.executor) await executor.close();
  }
  const aborted = Boolean(options.signal?.aborted) && done < todo.length;

  const finished = todo.filter((u) => durations.has(u.id));
  const entries = finished.map((u) => ({
    id: u.id, audio: audioPath(root, u), duration: durations.get(u.id) ?? 0, speaker: u.speaker, chapter: u.chapter, text: u.text, subset: u.subset,
  }));
  const utterances = { train: 0, dev: 0, test: 0 } as Record<SubsetName, number>;
  const seconds = { train: 0, dev: 0, test: 0 } as Record<SubsetName, number>;
  const minutes = new Map<string, number>();
  for (const e of entries) {
    utterances[e.subset]++;
    seconds[e.subset] += e.duration;
    minutes.set(e.speaker, (minutes.get(e.speaker) ?? 0) + e.duration / 60);
  }
  const manifests = Object.fromEntries(SUBSETS.map((s) => [s, manifestPath(root, s)])) as Record<SubsetName, string>;
  const speakersFile = path.join(root, 'SPEAKERS.TXT');
  writeFileAtomic(speakersFile, formatSpeakersTxt(plan.speakers, minutes));
  writeFileAtomic(path.join(root, 'speakers.json'), JSON.stringify(plan.speakers, null, 2) + '\n');
  const failuresFile = path.join(root, 'failures.jsonl');
  if (failures.length) writeFileAtomic(failuresFile, failures.map((f) => JSON.stringify(f)).join('\n') + '\n');
  else fs.rmSync(failuresFile, { force: true });
  if (!aborted) {
    writeTranscripts(root, entries);
    for (const subset of SUBSETS) {
      const rows: ManifestEntry[] = entries.filter((e) => e.subset === subset).map(({ subset: _s, ...e }) => e);
      writeManifest(manifests[subset], rows);
    }
  }
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    root, planned: todo.length, synthesized, skipped, failures, utterances, seconds, manifests, speakersFile, wallSeconds,
    realtimeFactor: wallSeconds > 0 ? renderedSeconds / wallSeconds : 0, aborted,
  };
}
