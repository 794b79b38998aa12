#!/usr/bin/env node
// Real-size teacher-cache benchmark, on the full-size exports made by datasets/fixtures/scripts/export-hf-fixtures.py
// (wav2vec2-base / HuBERT-base shapes: 94.4 M parameters, 768 dims, 12 layers, 50 frames/s; BERT-base for the
// text side). For each speech export and each thread count, in two child processes run back to back (so each
// peak RSS is its own): raw onnxruntime on the unmodified graph (logits only) and the cache build (the teacher
// with every hidden state exposed, the default layers 3,6,9,12 + logits, float16, decoded from FLAC and
// written to disk), each the fastest of three passes over the same utterances. Then the bytes per hour of audio
// of every storage option, from the same teacher outputs encoded by the cache's own record encoder.
// Usage: node dist/bench/cache-bench.js --real-size [--root /tmp/hf-full] [--models wav2vec2-ctc-full-op14,hubert-ctc-full-op14]
//        [--text bert-uncased-full-op14] [--threads 1,2] [--utterances 8] [--storage float16|int8-pool2|...] [--json FILE]
// --storage: what the timed cache build stores (one of REAL_SIZE_OPTIONS by its short name; default float16).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { buildManifest } from '@speechkd/librispeech';
import type { ManifestEntry } from '@speechkd/librispeech';
import { buildTeacherCache, headerFor } from '../cache/build-cache.js';
import { encodeRecord } from '../cache/record.js';
import type { TensorInput } from '../cache/record.js';
import { floatTypeOf } from '../cache/storage.js';
import type { StorageOptions } from '../cache/storage.js';
import { SpeechTensorWriter, textTensors } from '../cache/stored-tensors.js';
import { loadAudioAt } from '../cli/load-audio.js';
import { loadOnnxSpeechTeacher } from '../onnx/onnx-speech-teacher.js';
import { readPreprocessorConfig, zeroMeanUnitVariance } from '../onnx/wav2vec2-config.js';
import type { CacheTextTeacher } from '../speech-teacher.js';

/** One measured configuration (a child process). */
export interface RealSizeRow {
  model: string;
  threads: number;
  /** Audio seconds / wall seconds of raw onnxruntime (logits only) and of the whole cache build. */
  rawRealtime: number;
  buildRealtime: number;
  /** The build's teacher time only (no decoding, encoding, writing). */
  teacherRealtime: number;
  /** raw seconds / build seconds: >= 1 means the build keeps up with onnxruntime alone. */
  buildVsRaw: number;
  rawPeakRssMiB: number;
  buildPeakRssMiB: number;
  audioSeconds: number;
}

/** Bytes per hour of one storage option. */
export interface StorageRow {
  model: string;
  option: string;
  /** Speech part (layers 3,6,9,12 + logits) and the text tower's last layer + ids. */
  speechMiBPerHour: number;
  textMiBPerHour: number;
  totalMiBPerHour: number;
}

/** The storage options compared (the flags of `speechkd-cache build`). */
export const REAL_SIZE_OPTIONS: ReadonlyArray<{ option: string; storage: Partial<StorageOptions> }> = [
  { option: '--dtype float32', storage: { hidden: 'float32' } },
  { option: '--dtype float16 (default)', storage: { hidden: 'float16' } },
  { option: '--dtype int8', storage: { hidden: 'int8' } },
  { option: '--dtype int8 --logits-top-k 8', storage: { hidden: 'int8', logitsTopK: 8 } },
  { option: '--dtype float16 --pool 2', storage: { hidden: 'float16', pool: 2 } },
  { option: '--dtype int8 --pool 2', storage: { hidden: 'int8', pool: 2 } },
  { option: '--dtype int8 --project 384', storage: { hidden: 'int8', projectDim: 384, projectSeed: 1 } },
  { option: '--dtype int8 --pool 2 --project 384', storage: { hidden: 'int8', pool: 2, projectDim: 384, projectSeed: 1 } },
];

const LAYERS = [3, 6, 9, 12];

/** Short names of the storage options the timed build can use (`--storage`). */
export const BUILD_STORAGE: Readonly<Record<string, Partial<StorageOptions>>> = Object.freeze({
  float16: { hidden: 'float16' }, int8: { hidden: 'int8' }, 'int8-pool2': { hidden: 'int8', pool: 2 }, 'int8-project384': { hidden: 'int8', projectDim: 384, projectSeed: 1 },
});
const PASSES = 3;
const mib = (b: number): number => b / 2 ** 20;

async function utterances(n: number): Promise<ManifestEntry[]> {
  const all: ManifestEntry[] = [];
  for (const s of ['test-other', 'test-clean', 'dev-clean']) all.push(...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, s)).entries);
  return all.slice(0, n);
}

/** Child: raw onnxruntime or the cache build over the utterances, three passes after a warm-up, the fastest kept (other jobs only slow runs down). */
async function child(kind: 'raw' | 'build', dir: string, threads: number, n: number, storage = 'float16'): Promise<{ seconds: number; teacherSeconds: number; audioSeconds: number }> {
  const entries = await utterances(n);
  const audioSeconds = entries.reduce((s, e) => s + e.duration, 0);
  if (kind === 'raw') {
    const { config: pre } = readPreprocessorConfig(dir);
    const session = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const audio = await Promise.all(entries.map((e) => loadAudioAt(e.audio, pre.samplingRate)));
    const run = async (x: Float32Array): Promise<void> => {
      const v = pre.doNormalize ? zeroMeanUnitVariance(x) : x;
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', v, [1, v.length]) });
      for (const t of Object.values(out)) t.dispose();
    };
    await run(new Float32Array(pre.samplingRate)); // warm-up
    let best = Infinity;
    for (let rep = 0; rep < PASSES; rep++) {
      const t0 = performance.now();
      for (const x of audio) await run(x);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    await session.release();
    return { seconds: best, teacherSeconds: best, audioSeconds };
  }
  const teacher = await loadOnnxSpeechTeacher(dir, { threads });
  await teacher.extract(new Float32Array(16000)); // warm-up
  let best = { seconds: Infinity, teacherSeconds: Infinity };
  for (let rep = 0; rep < PASSES; rep++) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-real-size-'));
    try {
      const r = await buildTeacherCache({ entries, outDir: out, loadAudio: loadAudioAt, speech: teacher, speechLayers: LAYERS, merge: false, storage: BUILD_STORAGE[storage] });
      if (r.elapsedSeconds < best.seconds) best = { seconds: r.elapsedSeconds, teacherSeconds: r.timing.speech };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
  await teacher.dispose();
  return { ...best, audioSeconds };
}

/** Bytes per hour of each storage option, from one pass of the teachers over the utterances. */
async function storageSizes(model: string, dir: string, textDir: string | null, n: number, threads: number): Promise<StorageRow[]> {
  const entries = await utterances(n);
  const hours = entries.reduce((s, e) => s + e.duration, 0) / 3600;
  const speech = await loadOnnxSpeechTeacher(dir, { threads });
  let text: CacheTextTeacher | null = null;
  if (textDir) {
    const { initBackend } = await import('@speechkd/tensor-backend');
    await initBackend({ log: null });
    const { loadOnnxTextTeacher } = await import('@speechkd/text-encoders');
    const { textTeacherForCache } = await import('../text-adapter.js');
    text = textTeacherForCache(await loadOnnxTextTeacher(textDir, { threads }));
  }
  const sizes = REAL_SIZE_OPTIONS.map(() => ({ speech: 0, text: 0 }));
  const texts = text ? await text.encode(entries.map((e) => e.text), [text.numLayers]) : [];
  for (let i = 0; i < entries.length; i++) {
    const out = await speech.extract(await loadAudioAt(entries[i].audio, speech.sampleRate), { layers: LAYERS, logits: true });
    REAL_SIZE_OPTIONS.forEach(({ storage }, k) => {
      const header = headerFor({ speech, speechLayers: LAYERS, text: text ?? undefined, textLayers: text ? [text.numLayers] : undefined, storage });
      const sp: TensorInput[] = new SpeechTensorWriter(header.speech!, header.dtype).tensors(entries[i].id, out);
      sizes[k].speech += encodeRecord(sp, floatTypeOf(header.dtype)).bytes.byteLength;
      if (text) sizes[k].text += encodeRecord(textTensors(entries[i].id, header.text!, texts[i], header.dtype), floatTypeOf(header.dtype)).bytes.byteLength;
    });
  }
  await speech.dispose();
  await text?.dispose();
  return REAL_SIZE_OPTIONS.map(({ option }, k) => ({
    model, option, speechMiBPerHour: mib(sizes[k].speech) / hours, textMiBPerHour: mib(sizes[k].text) / hours, totalMiBPerHour: mib(sizes[k].speech + sizes[k].text) / hours,
  }));
}

/** Runs the whole benchmark (the parent): child processes per model, thread count and kind, then the sizes. */
export async function realSizeBench(args: { root?: string; models?: string; text?: string; threads?: string; utterances?: string; json?: string; storage?: string }): Promise<void> {
  const storage = args.storage ?? 'float16';
  if (!BUILD_STORAGE[storage]) throw new Error(`--storage ${storage}: use one of ${Object.keys(BUILD_STORAGE).join(', ')}`);
  const root = args.root ?? '/tmp/hf-full';
  const models = (args.models ?? 'wav2vec2-ctc-full-op14,hubert-ctc-full-op14').split(',');
  const textName = args.text ?? 'bert-uncased-full-op14';
  const threads = (args.threads ?? '1,2').split(',').map(Number);
  const n = Number(args.utterances ?? 8);
  for (const m of [...models, textName]) {
    if (!fs.existsSync(path.join(root, m, 'onnx', 'model.onnx'))) {
      throw new Error(`${path.join(root, m)}: no onnx/model.onnx; make the full-size exports with /work/venvs/issue25/bin/python datasets/fixtures/scripts/export-hf-fixtures.py --size full --out ${root} --models wav2vec2,hubert,bert`);
    }
  }
  const self = process.argv[1];
  const rows: RealSizeRow[] = [];
  for (const model of models) {
    for (const t of threads) {
      const measure = async (kind: 'raw' | 'build'): Promise<{ seconds: number; teacherSeconds: number; audioSeconds: number; maxRssKiB: number }> => {
        const { stdout } = await promisify(execFile)(process.execPath, [self, '--real-size-child', kind, path.join(root, model), String(t), String(n), storage], { maxBuffer: 1 << 24 });
        return JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; teacherSeconds: number; audioSeconds: number; maxRssKiB: number };
      };
      // One process each (its own peak RSS), back to back on the same utterances.
      const raw = await measure('raw');
      const build = await measure('build');
      const row: RealSizeRow = {
        model, threads: t, audioSeconds: raw.audioSeconds, rawRealtime: raw.audioSeconds / raw.seconds, buildRealtime: build.audioSeconds / build.seconds,
        teacherRealtime: build.audioSeconds / build.teacherSeconds, buildVsRaw: raw.seconds / build.seconds,
        rawPeakRssMiB: raw.maxRssKiB / 1024, buildPeakRssMiB: build.maxRssKiB / 1024,
      };
      rows.push(row);
      process.stderr.write(`${model}, ${t} thread(s): raw ${row.rawRealtime.toFixed(2)}x, build ${row.buildRealtime.toFixed(2)}x realtime (build/raw speed ${row.buildVsRaw.toFixed(2)}), peak RSS raw ${row.rawPeakRssMiB.toFixed(0)} / build ${row.buildPeakRssMiB.toFixed(0)} MiB\n`);
    }
  }
  const sizes: StorageRow[] = [];
  for (const model of models) {
    const { stdout } = await promisify(execFile)(process.execPath, [self, '--real-size-sizes', model, path.join(root, model), path.join(root, textName), String(n)], { maxBuffer: 1 << 24 });
    sizes.push(...(JSON.parse(stdout.trim().split('\n').at(-1)!) as StorageRow[]));
  }
  const audio = rows[0]?.audioSeconds ?? 0;
  console.log(`\nreal-size cache benchmark: ${n} LibriSpeech sample utterances (${audio.toFixed(1)} s), ${os.cpus().length} CPUs, onnxruntime-node CPU execution provider; the build stores ${storage}\n`);
  console.log('| export | threads | raw onnxruntime x realtime | cache build x realtime | build speed / raw | teacher alone x realtime | peak RSS raw / build (MiB) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.model} | ${r.threads} | ${r.rawRealtime.toFixed(2)} | ${r.buildRealtime.toFixed(2)} | ${r.buildVsRaw.toFixed(2)} | ${r.teacherRealtime.toFixed(2)} | ${r.rawPeakRssMiB.toFixed(0)} / ${r.buildPeakRssMiB.toFixed(0)} |`);
  }
  console.log(`\n| export | storage (speechkd-cache build flags) | speech MiB / h (layers ${LAYERS.join(',')} + logits) | text MiB / h (${textName}, last layer + ids) | total MiB / h |`);
  console.log('|---|---|---:|---:|---:|');
  for (const s of sizes) console.log(`| ${s.model} | ${s.option} | ${s.speechMiBPerHour.toFixed(1)} | ${s.textMiBPerHour.toFixed(1)} | ${s.totalMiBPerHour.toFixed(1)} |`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify({ root, utterances: n, audioSeconds: audio, cpus: os.cpus().length, buildStorage: storage, rows, sizes }, null, 2)}\n`);
}

/** Entry of the child processes (`--real-size-child KIND DIR THREADS N`, `--real-size-sizes MODEL DIR TEXT_DIR N`). */
export async function realSizeChild(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--real-size-child') {
    const r = await child(argv[1] as 'raw' | 'build', argv[2], Number(argv[3]), Number(argv[4]), argv[5]);
    console.log(JSON.stringify({ ...r, maxRssKiB: process.resourceUsage().maxRSS }));
  } else {
    console.log(JSON.stringify(await storageSizes(argv[1], argv[2], argv[3], Number(argv[4]), 1)));
  }
}
