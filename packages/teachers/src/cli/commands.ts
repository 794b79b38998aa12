import path from 'node:path';
import { readManifest } from '@speechkd/librispeech';
import { MODEL_DTYPE_SUFFIXES, OnnxGraphError, parseModelDtype } from '@speechkd/onnx-graph';
import type { ModelDtype } from '@speechkd/onnx-graph';
import { buildTeacherCache } from '../cache/build-cache.js';
import { mergeCacheIndex } from '../cache/merge-index.js';
import { mergeTeacherCache } from '../cache/merge-cache.js';
import { resolveShard } from '../cache/partition.js';
import { describeHolder } from '../cache/shard-lock.js';
import { resolveStorage } from '../cache/storage.js';
import { openTeacherCache } from '../cache/read-cache.js';
import { TeachersArgumentError } from '../errors.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { parseLayerList } from './layers.js';
import { loadAudioAt } from './load-audio.js';
import { downloadProgress, progressReporter } from './progress.js';

/** Parsed flags of `speechkd-cache build`. */
export interface BuildFlags {
  manifest: string;
  out: string;
  speechTeacher?: string;
  textTeacher?: string;
  layers: string;
  textLayers: string;
  /** `i/N`, `slurm`, `k8s` or `auto`. */
  shard: string;
  /** Shards of a Kubernetes Indexed Job (its completions). */
  shardCount?: number;
  /** A sparse Slurm array's `--array` value. */
  slurmArray?: string;
  /** Hidden-state storage: float16, float32 or int8. */
  dtype: string;
  /** Logits: classes kept per frame (0 = all). */
  logitsTopK?: number;
  /** Speech frames averaged per stored frame. */
  pool?: number;
  /** Random projection width of the speech hidden states (0 = none) and its seed. */
  project?: number;
  projectSeed?: number;
  /** Heartbeat of the shard lock in seconds (default 10). */
  heartbeatSeconds?: number;
  logits: boolean;
  chunkUtterances: number;
  limit?: number;
  threads?: number;
  /** ONNX variant of the teachers (transformers.js names; default fp32); `textModelDtype` overrides it for the text teacher. */
  modelDtype?: string;
  textModelDtype?: string;
  /** Hub revisions of hub-id teachers (default main). */
  revision?: string;
  textRevision?: string;
}

function modelDtypeFlag(flag: string, value: string | undefined): ModelDtype | undefined {
  try {
    return value === undefined ? undefined : parseModelDtype(value, flag);
  } catch (err) {
    throw err instanceof OnnxGraphError ? new TeachersArgumentError(err.message) : err;
  }
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** `build`: runs the teachers over (this shard of) the manifest and appends to the cache. */
export async function runBuild(f: BuildFlags, log: (line: string) => void): Promise<void> {
  if (f.dtype !== 'float16' && f.dtype !== 'float32' && f.dtype !== 'int8') {
    const hint = f.dtype in MODEL_DTYPE_SUFFIXES ? ` (--dtype is the cache's storage type; pick the ONNX variant with --model-dtype ${f.dtype})` : '';
    throw new TeachersArgumentError(`--dtype "${f.dtype}": use float16, float32 or int8${hint}`);
  }
  if (!f.speechTeacher && !f.textTeacher) throw new TeachersArgumentError('give --speech-teacher and/or --text-teacher');
  const storage = resolveStorage({ hidden: f.dtype, logitsTopK: f.logitsTopK ?? 0, pool: f.pool ?? 1, projectDim: f.project ?? 0, projectSeed: f.projectSeed ?? 0 });
  const speechDtype = modelDtypeFlag('--model-dtype', f.modelDtype);
  const textDtype = modelDtypeFlag('--text-model-dtype', f.textModelDtype) ?? speechDtype;
  const shard = resolveShard(f.shard, process.env, { count: f.shardCount, slurmArray: f.slurmArray });
  if (shard.count > 1 || f.shard !== '0/1') log(`shard ${shard.index}/${shard.count} (${shard.source})`);
  let entries = readManifest(f.manifest);
  if (f.limit !== undefined) entries = entries.slice(0, f.limit);
  // Loaded here, not at the top: tfjs and transformers.js take seconds to import, and merge/index/info/verify need neither.
  const { initBackend } = await import('@speechkd/tensor-backend');
  const { loadSpeechTeacherFlag, loadTextTeacherFlag } = await import('./load-teachers.js');
  await initBackend(); // text towers and in-project teachers compute with tfjs
  let speech: SpeechTeacher | undefined;
  let text: CacheTextTeacher | undefined;
  try {
    if (f.speechTeacher) {
      const bar = downloadProgress('speech teacher');
      speech = await loadSpeechTeacherFlag(f.speechTeacher, { threads: f.threads, modelDtype: speechDtype, revision: f.revision, onProgress: bar.update, onNotice: log });
      bar.stop();
    }
    if (f.textTeacher) {
      const bar = downloadProgress('text teacher');
      text = await loadTextTeacherFlag(f.textTeacher, { threads: f.threads, modelDtype: textDtype, revision: f.textRevision, onProgress: bar.update, onNotice: log });
      bar.stop();
    }
    if (speech) log(`speech teacher ${speech.name}: ${speech.numLayers} layers, dim ${speech.dim}, ${speech.frameRate} frames/s, fingerprint ${speech.fingerprint}`);
    if (text) log(`text teacher ${text.name}: ${text.numLayers} layers, dim ${text.dim}, fingerprint ${text.fingerprint}`);
    const bar = progressReporter(`cache ${shard.index}/${shard.count}`);
    const heartbeatMs = 1000 * (f.heartbeatSeconds ?? 10);
    const res = await buildTeacherCache({
      entries, outDir: f.out, loadAudio: loadAudioAt, speech, text, storage, shard: { index: shard.index, count: shard.count },
      speechLayers: speech ? parseLayerList('--layers', f.layers, speech.numLayers) : undefined,
      textLayers: text ? parseLayerList('--text-layers', f.textLayers, text.numLayers) : undefined,
      speechLogits: f.logits, chunkUtterances: f.chunkUtterances, onProgress: bar.update, lockHeartbeatMs: heartbeatMs,
      onLockWait: (h, ms) => log(`shard ${shard.index}/${shard.count} is being written by ${describeHolder(h)}; waiting (${(ms / 1000).toFixed(0)} s) until it finishes or its heartbeat stops`),
      log,
    });
    bar.stop();
    const rt = res.elapsedSeconds > 0 ? res.audioSeconds / res.elapsedSeconds : 0;
    const perHour = res.audioSeconds > 0 ? res.bytesWritten / (res.audioSeconds / 3600) : 0;
    log(
      `shard ${shard.index}/${shard.count}: ${res.total} utterances, ${res.skipped} already cached, ${res.computed} computed ` +
        `(${(res.audioSeconds / 3600).toFixed(3)} h audio) in ${res.elapsedSeconds.toFixed(1)} s = ${rt.toFixed(1)}x realtime; ` +
        `${mb(res.bytesWritten)} MiB written${perHour ? `, ${mb(perHour)} MiB per hour of audio` : ''}; fingerprint ${res.header.fingerprint}`,
    );
    if (res.lockLost) log(`warning: another writer took over this shard's lock while this one ran (its heartbeat stood still, e.g. a paused node); both wrote their own files, the merge keeps one copy of each utterance`);
    if (res.merged) log(`merged: ${res.merged.utterances} utterances in ${res.merged.dataDir ?? '(nothing to merge)'} (${res.merged.chunks} chunks)`);
    if (shard.count > 1) log(`after all ${shard.count} shards finish: speechkd-cache merge --dir ${f.out} --manifest ${f.manifest}`);
  } finally {
    await speech?.dispose();
    await text?.dispose();
  }
}

/** `index`: merges every shard's committed chunk indexes into DIR/index.jsonl. */
export async function runIndex(dir: string, manifest: string | undefined, log: (line: string) => void): Promise<number> {
  const expectIds = manifest ? readManifest(manifest).map((e) => e.id) : undefined;
  const r = mergeCacheIndex(dir, { expectIds });
  const perHour = r.audioSeconds > 0 ? r.bytes / (r.audioSeconds / 3600) : 0;
  log(`${path.join(dir, 'index.jsonl')}: ${r.utterances} utterances, ${(r.audioSeconds / 3600).toFixed(3)} h audio, ${mb(r.bytes)} MiB (${mb(perHour)} MiB per hour)`);
  if (r.duplicates.length) log(`warning: ${r.duplicates.length} ids found in more than one chunk (first kept), e.g. ${r.duplicates.slice(0, 3).join(', ')}`);
  if (r.missing.length) log(`missing ${r.missing.length} of the manifest's utterances (e.g. ${r.missing.slice(0, 3).join(', ')}): run the build for the remaining shards`);
  return r.missing.length ? 1 : 0;
}

/** `merge`: rewrites every shard's records into the canonical layout (sorted, one copy per id, `data-<n>/`). */
export async function runMerge(dir: string, manifest: string | undefined, opts: { allowMissing: boolean; chunkUtterances: number }, log: (line: string) => void): Promise<number> {
  const expectIds = manifest ? readManifest(manifest).map((e) => e.id) : undefined;
  const bar = progressReporter('merge');
  const t0 = performance.now();
  const r = await mergeTeacherCache(dir, {
    expectIds, allowMissing: opts.allowMissing, chunkUtterances: opts.chunkUtterances,
    onProgress: (done, total) => bar.update({ done, total, audioSeconds: 0, elapsedSeconds: (performance.now() - t0) / 1000 }),
  });
  bar.stop();
  if (r.missing.length) {
    log(`missing ${r.missing.length} of the manifest's utterances (e.g. ${r.missing.slice(0, 3).join(', ')})${opts.allowMissing ? '' : ': nothing merged; run the build for the remaining shards (or pass --allow-missing)'}`);
    if (!opts.allowMissing) return 1;
  }
  if (r.duplicates) log(`${r.duplicates} utterances were written more than once (overlapping writers of a shard); one copy kept${r.conflicts.length ? `; ${r.conflicts.length} copies differ in bytes, e.g. ${r.conflicts.slice(0, 3).join(', ')}` : ''}`);
  const perHour = r.audioSeconds > 0 ? r.bytes / (r.audioSeconds / 3600) : 0;
  log(`${dir}: ${r.unchanged ? 'already merged' : `merged into ${r.dataDir}`}: ${r.utterances} utterances, ${r.chunks} chunks (${r.linkedChunks} linked, not copied), ${(r.audioSeconds / 3600).toFixed(3)} h audio, ${mb(r.bytes)} MiB (${mb(perHour)} MiB per hour)`);
  return 0;
}

/** `verify`: reads every record and checks its CRC32; returns the number of bad records. */
export async function runVerify(dir: string, log: (line: string) => void): Promise<number> {
  const cache = await openTeacherCache(dir, { cacheBytes: 0 });
  let bad = 0;
  for (const id of cache.ids()) {
    try {
      await cache.get(id);
    } catch (err) {
      bad++;
      log((err as Error).message);
    }
  }
  const st = cache.stats();
  await cache.close();
  log(`${dir}: ${cache.size} records, ${mb(st.bytesRead)} MiB read, ${bad} bad`);
  return bad;
}

/** `info`: prints the header and size per hour of audio. */
export async function runInfo(dir: string, log: (line: string) => void): Promise<void> {
  const cache = await openTeacherCache(dir);
  let bytes = 0;
  let seconds = 0;
  for (const id of cache.ids()) {
    const e = cache.entry(id)!;
    bytes += e.length;
    seconds += e.duration;
  }
  log(JSON.stringify(cache.header, null, 2));
  log(`${cache.size} utterances, ${(seconds / 3600).toFixed(3)} h audio, ${mb(bytes)} MiB, ${seconds ? mb(bytes / (seconds / 3600)) : '-'} MiB per hour of audio`);
  await cache.close();
}
