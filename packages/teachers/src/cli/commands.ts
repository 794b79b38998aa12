import path from 'node:path';
import { readManifest } from '@speechkd/librispeech';
import { MODEL_DTYPE_SUFFIXES, OnnxGraphError, parseModelDtype } from '@speechkd/onnx-graph';
import type { ModelDtype } from '@speechkd/onnx-graph';
import { initBackend } from '@speechkd/tensor-backend';
import { buildTeacherCache } from '../cache/build-cache.js';
import { mergeCacheIndex } from '../cache/merge-index.js';
import { parseShardSpec } from '../cache/partition.js';
import { openTeacherCache } from '../cache/read-cache.js';
import { TeachersArgumentError } from '../errors.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { parseLayerList } from './layers.js';
import { loadAudioAt } from './load-audio.js';
import { loadSpeechTeacherFlag, loadTextTeacherFlag } from './load-teachers.js';
import { downloadProgress, progressReporter } from './progress.js';

/** Parsed flags of `speechkd-cache build`. */
export interface BuildFlags {
  manifest: string;
  out: string;
  speechTeacher?: string;
  textTeacher?: string;
  layers: string;
  textLayers: string;
  shard: string;
  dtype: string;
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
  if (f.dtype !== 'float16' && f.dtype !== 'float32') {
    const hint = f.dtype in MODEL_DTYPE_SUFFIXES ? ` (--dtype is the cache's storage type; pick the ONNX variant with --model-dtype ${f.dtype})` : '';
    throw new TeachersArgumentError(`--dtype "${f.dtype}": use float16 or float32${hint}`);
  }
  if (!f.speechTeacher && !f.textTeacher) throw new TeachersArgumentError('give --speech-teacher and/or --text-teacher');
  const speechDtype = modelDtypeFlag('--model-dtype', f.modelDtype);
  const textDtype = modelDtypeFlag('--text-model-dtype', f.textModelDtype) ?? speechDtype;
  const shard = parseShardSpec(f.shard);
  let entries = readManifest(f.manifest);
  if (f.limit !== undefined) entries = entries.slice(0, f.limit);
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
    const res = await buildTeacherCache({
      entries, outDir: f.out, loadAudio: loadAudioAt, speech, text, dtype: f.dtype, shard,
      speechLayers: speech ? parseLayerList('--layers', f.layers, speech.numLayers) : undefined,
      textLayers: text ? parseLayerList('--text-layers', f.textLayers, text.numLayers) : undefined,
      speechLogits: f.logits, chunkUtterances: f.chunkUtterances, onProgress: bar.update,
    });
    bar.stop();
    const rt = res.elapsedSeconds > 0 ? res.audioSeconds / res.elapsedSeconds : 0;
    const perHour = res.audioSeconds > 0 ? res.bytesWritten / (res.audioSeconds / 3600) : 0;
    log(
      `shard ${shard.index}/${shard.count}: ${res.total} utterances, ${res.skipped} already cached, ${res.computed} computed ` +
        `(${(res.audioSeconds / 3600).toFixed(3)} h audio) in ${res.elapsedSeconds.toFixed(1)} s = ${rt.toFixed(1)}x realtime; ` +
        `${mb(res.bytesWritten)} MiB written${perHour ? `, ${mb(perHour)} MiB per hour of audio` : ''}; fingerprint ${res.header.fingerprint}`,
    );
    if (shard.count > 1) log(`after all ${shard.count} shards finish: speechkd-cache index --dir ${f.out} --manifest ${f.manifest}`);
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
