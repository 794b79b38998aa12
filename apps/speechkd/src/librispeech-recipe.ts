import fs from 'node:fs';
import path from 'node:path';
import { LIBRISPEECH_SUBSETS, buildManifest, downloadLibriSpeech, readManifest, writeManifest } from '@speechkd/librispeech';
import type { ManifestEntry } from '@speechkd/librispeech';
import { MODEL_DTYPES } from '@speechkd/onnx-graph';
import { isHubId } from '@speechkd/onnx-graph/hub';
import { resolveStorage } from '@speechkd/teachers';
import type { StorageOptions } from '@speechkd/teachers';
import { PipelineConfigError } from './config-error.js';
import type { PipelineConfig } from './pipeline-config.js';
import { progressLine } from './progress.js';
import type { Log } from './stage.js';

/** The corpus a run trains and evaluates on (the `synth` stage's record), synthetic or LibriSpeech. */
export interface CorpusRecord {
  /** Folder of the LibriSpeech-layout subsets. */
  root: string;
  train: string;
  dev: string;
  test: string;
  utterances: Record<string, number>;
  seconds: Record<string, number>;
  /** Synthesis failures, or LibriSpeech utterances skipped as unreadable. */
  failures: number;
}

/** A run on real LibriSpeech (`librispeechTrain` set) rather than on the synthetic corpus. */
export const usesLibriSpeech = (cfg: PipelineConfig): boolean => cfg.librispeechTrain.trim() !== '';

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The run's LibriSpeech subsets: training (one or more), dev, test sets. */
export function librispeechSubsets(cfg: PipelineConfig): { train: string[]; dev: string; test: string[] } {
  return { train: list(cfg.librispeechTrain), dev: cfg.librispeechDev.trim(), test: list(cfg.librispeechTest) };
}

/** A throttled progress line in MiB for a download (one line at the end, not one per chunk once the rounded size is reached). */
function byteProgress(log: Log, label: string): (bytes: number, total: number) => void {
  const line = progressLine(log, label, 'MiB');
  const mib = (b: number): number => Math.round(b / 2 ** 19) / 2;
  return (bytes, total) => {
    if (bytes < total && mib(bytes) >= mib(total)) return;
    line(bytes < total ? mib(bytes) : mib(total), mib(total));
  };
}

/** `subset=md5` pairs of `librispeechMd5` (archives other than the official ones, e.g. a mirror's). */
function md5Overrides(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of list(spec)) {
    const m = /^([\w-]+)=([0-9a-fA-F]{32})$/.exec(part);
    if (!m) throw new PipelineConfigError(`--librispeechMd5: "${part}" is not subset=md5 (32 hex digits)`);
    out[m[1]] = m[2].toLowerCase();
  }
  return out;
}

/** Keys of `cacheStorage` and the storage option each sets. */
const STORAGE_KEYS: Record<string, keyof StorageOptions> = { dtype: 'hidden', topk: 'logitsTopK', pool: 'pool', project: 'projectDim', projectSeed: 'projectSeed' };

/** `cacheStorage` (`dtype=int8,pool=2,topk=8,project=384,projectSeed=1`) as the teacher cache's storage options. */
export function parseCacheStorage(spec: string): StorageOptions {
  const s: Partial<Record<keyof StorageOptions, string | number>> = {};
  for (const part of list(spec)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    if (eq < 1 || !(key in STORAGE_KEYS)) throw new PipelineConfigError(`--cacheStorage: "${part}" is not key=value with key one of ${Object.keys(STORAGE_KEYS).join(', ')}`);
    const v = part.slice(eq + 1);
    s[STORAGE_KEYS[key]] = key === 'dtype' ? v : Number(v);
  }
  try {
    return resolveStorage(s as Partial<StorageOptions>);
  } catch (err) {
    throw new PipelineConfigError(`--cacheStorage=${spec}: ${(err as Error).message}`);
  }
}

/** True for a folder that holds an ONNX export (`onnx/` or a `model*.onnx`, as transformers.js repositories do). */
export function hasOnnxExport(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'onnx')) || (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && fs.readdirSync(dir).some((f) => /^model.*\.onnx$/.test(f)));
}

/**
 * True for an in-project model folder: one of `markers`, and a tfjs model (`model.json`) or text-tower
 * checkpoints (`LATEST`), or else no ONNX export (a Hugging Face BERT folder has a config.json too; a
 * trained bundle may carry its own onnx/ export beside model.json).
 */
export function isInProjectFolder(dir: string, markers: readonly string[]): boolean {
  if (!markers.some((m) => fs.existsSync(path.join(dir, m)))) return false;
  return fs.existsSync(path.join(dir, 'model.json')) || fs.existsSync(path.join(dir, 'LATEST')) || !hasOnnxExport(dir);
}

/**
 * The flag value that loads an ONNX teacher (`onnx:DIR` for a Hugging Face export folder, or the hub id), or
 * null when `value` is `train`, an in-project model folder or a released name.
 */
export function onnxTeacherValue(value: string, inProject: (v: string) => boolean): string | null {
  if (value === 'train' || inProject(value)) return null;
  if (value.startsWith('onnx:') || value.startsWith('hf:')) return value;
  if (fs.existsSync(value) && fs.statSync(value).isDirectory()) return hasOnnxExport(value) ? `onnx:${path.resolve(value)}` : null;
  return isHubId(value) ? value : null;
}

/** Problems with the LibriSpeech, teacher-target and ONNX-teacher settings, one line each (the pipeline's checks call it). */
export function checkRecipeSettings(c: PipelineConfig): string[] {
  const problems: string[] = [];
  const known = LIBRISPEECH_SUBSETS as readonly string[];
  if (usesLibriSpeech(c)) {
    const { train, dev, test } = librispeechSubsets(c);
    for (const [flag, names] of [['librispeechTrain', train], ['librispeechDev', dev ? [dev] : []], ['librispeechTest', test]] as const) {
      for (const s of names) if (!known.includes(s)) problems.push(`--${flag}: "${s}" is not a LibriSpeech subset; use ${known.join(', ')}`);
    }
    if (!dev) problems.push('--librispeechDev: give the dev subset (e.g. dev-clean)');
    if (test.length === 0) problems.push('--librispeechTest: give at least one test subset (e.g. test-clean,test-other)');
    for (const s of train) if ([dev, ...test].includes(s)) problems.push(`--librispeechTrain: "${s}" is also a dev/test set`);
    if (c.librispeechUrl && !/^https?:\/\//.test(c.librispeechUrl)) problems.push(`--librispeechUrl=${c.librispeechUrl}: give an http(s) URL (the folder holding <subset>.tar.gz)`);
    if (c.teacherExtraSpeakers > 0 || c.studentTransfer === 'true') problems.push('--teacherExtraSpeakers/--studentTransfer: the synthetic transfer set is for synthetic runs; set them to 0/false with --librispeechTrain');
    if (c.lmOrder > 0) problems.push(`--lmOrder=${c.lmOrder}: the character LM is trained on Brown sentences for the synthetic sets; use --lmOrder=0 with --librispeechTrain`);
  }
  try {
    md5Overrides(c.librispeechMd5);
  } catch (err) {
    problems.push((err as Error).message);
  }
  try {
    parseCacheStorage(c.cacheStorage);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (c.teacherTargets !== 'cache' && c.teacherTargets !== 'on-the-fly') problems.push(`--teacherTargets=${c.teacherTargets}: use cache or on-the-fly`);
  if (!(MODEL_DTYPES as readonly string[]).includes(c.teacherModelDtype)) problems.push(`--teacherModelDtype=${c.teacherModelDtype}: use one of ${MODEL_DTYPES.join(', ')}`);
  return problems;
}

/**
 * Downloads (or finds) the run's LibriSpeech subsets under `<dataDir>/librispeech` (MD5-checked, read through
 * before extraction, resumable), and writes one manifest per subset (durations from the audio headers) plus
 * the training manifest (the training subsets together). Returns the corpus record the stages share.
 */
export async function librispeechCorpus(cfg: PipelineConfig, log: Log): Promise<CorpusRecord> {
  const dir = path.resolve(cfg.dataDir, 'librispeech');
  const { train, dev, test } = librispeechSubsets(cfg);
  const md5 = md5Overrides(cfg.librispeechMd5);
  const manifests: Record<string, string> = {};
  const utterances: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  let failures = 0;
  for (const subset of [...train, dev, ...test]) {
    const progress = byteProgress(log, `download ${subset}`);
    await downloadLibriSpeech({ subset, dir, baseUrl: cfg.librispeechUrl || undefined, md5: md5[subset], onProgress: (bytes, total) => progress(bytes, total ?? bytes) });
    const file = path.join(dir, 'manifests', `${subset}.jsonl`);
    let entries: ManifestEntry[];
    if (fs.existsSync(file)) entries = readManifest(file);
    else {
      const built = await buildManifest(path.join(dir, 'LibriSpeech'), subset, { onProblem: 'skip' });
      const skipped = Object.values(built.skipped).reduce((a, b) => a + b, 0);
      if (skipped) log(`[librispeech] ${subset}: ${skipped} utterances skipped (${built.problems.slice(0, 3).map((p) => p.message).join('; ')})`);
      failures += skipped;
      entries = built.entries;
      writeManifest(file, entries);
    }
    manifests[subset] = file;
    utterances[subset] = entries.length;
    seconds[subset] = entries.reduce((a, e) => a + e.duration, 0);
    log(`[librispeech] ${subset}: ${entries.length} utterances, ${(seconds[subset] / 3600).toFixed(2)} h -> ${file}`);
  }
  let trainManifest = manifests[train[0]];
  if (train.length > 1) {
    trainManifest = path.join(dir, 'manifests', `${train.join('+')}.jsonl`);
    writeManifest(trainManifest, train.flatMap((s) => readManifest(manifests[s])));
  }
  return { root: path.join(dir, 'LibriSpeech'), train: trainManifest, dev: manifests[dev], test: manifests[test[0]], utterances, seconds, failures };
}

/** The sets a LibriSpeech run evaluates every system on: its test subsets, then its dev subset. */
export function librispeechEvalSets(cfg: PipelineConfig, root: string): Array<{ set: string; root: string; subset: string }> {
  const { dev, test } = librispeechSubsets(cfg);
  return [...test, dev].map((subset) => ({ set: `LibriSpeech ${subset}`, root, subset }));
}

/** What the `teachers` stage records about ONNX (hub or export-folder) teachers: enough to plan the other stages without loading them. */
export interface OnnxTeachersRecord {
  speech: { value: string; name: string; fingerprint: string; numLayers: number; dim: number; frameRate: number; vocabSize: number | null } | null;
  text: { value: string; name: string; fingerprint: string; numLayers: number; dim: number } | null;
}

/**
 * Downloads (into the Hugging Face cache; reused when there) and loads the run's ONNX teachers once, with
 * progress per file, and returns what the cache and the on-the-fly students need to know about them.
 */
export async function fetchOnnxTeachers(speechValue: string | null, textValue: string | null, modelDtype: string, log: Log): Promise<OnnxTeachersRecord> {
  const { loadSpeechTeacherFlag, loadTextTeacherFlag } = await import('@speechkd/teachers');
  const { parseModelDtype } = await import('@speechkd/onnx-graph');
  const dtype = parseModelDtype(modelDtype, 'teacherModelDtype');
  const progress = (label: string) => {
    const lines = new Map<string, ReturnType<typeof byteProgress>>();
    return (p: { file: string; bytes: number; total: number; cached?: boolean }) => {
      if (p.cached) return log(`[teachers] ${label} ${p.file}: ${(p.total / 2 ** 20).toFixed(1)} MiB, in the cache`);
      if (!lines.has(p.file)) lines.set(p.file, byteProgress(log, `download ${label} ${p.file}`));
      lines.get(p.file)!(p.bytes, p.total);
    };
  };
  const out: OnnxTeachersRecord = { speech: null, text: null };
  if (speechValue) {
    const t = await loadSpeechTeacherFlag(speechValue, { threads: 1, modelDtype: dtype, onProgress: progress('speech teacher'), onNotice: log });
    out.speech = { value: speechValue, name: t.name, fingerprint: t.fingerprint, numLayers: t.numLayers, dim: t.dim, frameRate: t.frameRate, vocabSize: t.vocabSize };
    await t.dispose();
    log(`[teachers] speech teacher ${t.name}: ${t.numLayers} layers, dim ${t.dim}, ${t.frameRate} frames/s`);
  }
  if (textValue) {
    const t = await loadTextTeacherFlag(textValue, { threads: 1, modelDtype: dtype, onProgress: progress('text teacher'), onNotice: log });
    out.text = { value: textValue, name: t.name, fingerprint: t.fingerprint, numLayers: t.numLayers, dim: t.dim };
    await t.dispose();
    log(`[teachers] text teacher ${t.name}: ${t.numLayers} layers, dim ${t.dim}`);
  }
  return out;
}
