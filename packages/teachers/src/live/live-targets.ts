import { readManifest } from '@speechkd/librispeech';
import { CacheMissError, TeachersArgumentError } from '../errors.js';
import { headerFor } from '../cache/build-cache.js';
import type { CacheUtterance } from '../cache/build-cache.js';
import type { CacheHeader } from '../cache/format.js';
import { recordTargets } from '../cache/read-cache.js';
import type { CachedTargets } from '../cache/read-cache.js';
import { encodeRecord } from '../cache/record.js';
import type { TensorInput } from '../cache/record.js';
import { floatTypeOf } from '../cache/storage.js';
import type { StorageOptions } from '../cache/storage.js';
import { SpeechTensorWriter, textTensors } from '../cache/stored-tensors.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';

/** Options of `createLiveTargets`. */
export interface LiveTargetsOptions {
  /** Utterances that may be asked for (id, audio, transcript). */
  entries: readonly CacheUtterance[];
  loadAudio: (file: string, sampleRate: number) => Promise<Float32Array>;
  speech?: SpeechTeacher;
  speechLayers?: readonly number[];
  speechLogits?: boolean;
  text?: CacheTextTeacher;
  textLayers?: readonly number[];
  /** As a cache would store them (default float32: the teachers' values unchanged). */
  storage?: Partial<StorageOptions>;
}

/** Teacher targets computed when asked for: a `TargetSource` with the header a cache of the same settings would have. */
export interface LiveTargets {
  readonly header: CacheHeader;
  get(id: string): Promise<CachedTargets>;
  prefetch(ids: Iterable<string>): void;
  /** Seconds spent in the teachers so far, and utterances computed. */
  stats(): { teacherSeconds: number; utterances: number; audioSeconds: number };
  /** Frees the teachers. */
  dispose(): Promise<void>;
}

/**
 * Runs the teachers on each utterance when its targets are asked for, instead of reading a cache (for when the
 * disk cannot hold one): the same tensors, passed through the same record encoding as a cache with these
 * storage settings, so the students see exactly what that cache would give them. Utterances are computed one
 * at a time in request order (the teachers use their own threads); transcripts asked for together go to the
 * text teacher as one batch. Nothing is kept: every epoch pays the teachers again.
 */
export function createLiveTargets(opts: LiveTargetsOptions): LiveTargets {
  const header = headerFor({
    speech: opts.speech, speechLayers: opts.speechLayers, speechLogits: opts.speechLogits, text: opts.text, textLayers: opts.textLayers,
    storage: { hidden: 'float32', ...opts.storage },
  });
  const byId = new Map(opts.entries.map((e) => [e.id, e]));
  const speechOut = header.speech ? new SpeechTensorWriter(header.speech, header.dtype) : null;
  const floatType = floatTypeOf(header.dtype);
  const st = { teacherSeconds: 0, utterances: 0, audioSeconds: 0 };
  let chain: Promise<unknown> = Promise.resolve();
  const inFlight = new Map<string, Promise<CachedTargets>>();
  // Transcripts asked for in the same tick share one text-teacher batch.
  let textQueue: Array<{ id: string; text: string; resolve: (t: TensorInput[]) => void; reject: (e: unknown) => void }> = [];
  const textTensorsOf = (id: string, text: string): Promise<TensorInput[]> => {
    if (!header.text || !opts.text) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      textQueue.push({ id, text, resolve, reject });
      if (textQueue.length > 1) return;
      setImmediate(() => {
        const batch = textQueue;
        textQueue = [];
        const t0 = performance.now();
        opts.text!.encode(batch.map((b) => b.text), header.text!.layers).then(
          (outs) => {
            st.teacherSeconds += (performance.now() - t0) / 1000;
            batch.forEach((b, i) => {
              try {
                b.resolve(textTensors(b.id, header.text!, outs[i], header.dtype));
              } catch (err) {
                b.reject(err);
              }
            });
          },
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        );
      });
    });
  };

  const compute = async (e: CacheUtterance, textPart: Promise<TensorInput[]>): Promise<CachedTargets> => {
    const tensors: TensorInput[] = [];
    let duration = e.duration ?? 0;
    if (header.speech && opts.speech) {
      const samples = await opts.loadAudio(e.audio, opts.speech.sampleRate);
      duration = samples.length / opts.speech.sampleRate;
      const t0 = performance.now();
      const out = await opts.speech.extract(samples, { layers: header.speech.layers, logits: header.speech.logits });
      st.teacherSeconds += (performance.now() - t0) / 1000;
      tensors.push(...speechOut!.tensors(e.id, out));
    }
    tensors.push(...(await textPart));
    const rec = encodeRecord(tensors, floatType);
    st.utterances++;
    st.audioSeconds += duration;
    const entry = { id: e.id, file: '(computed)', offset: 0, length: rec.bytes.byteLength, crc32: rec.crc32, duration, tensors: rec.tensors };
    return recordTargets(entry, rec.bytes, `${e.id} (computed by the teachers)`, header);
  };

  const get = (id: string): Promise<CachedTargets> => {
    const pending = inFlight.get(id);
    if (pending) return pending;
    const e = byId.get(id);
    if (!e) return Promise.reject(new CacheMissError(`utterance "${id}" is not in the manifests given to the on-the-fly teachers (${byId.size} utterances)`));
    const textPart = textTensorsOf(e.id, e.text); // queued now: a batch's transcripts go to the text teacher together
    textPart.catch(() => undefined); // awaited in compute
    const p = chain.then(() => compute(e, textPart));
    chain = p.catch(() => undefined);
    inFlight.set(id, p);
    void p.finally(() => inFlight.delete(id)).catch(() => undefined);
    return p;
  };

  return {
    header,
    get,
    prefetch: (ids) => {
      for (const id of ids) if (byId.has(id)) get(id).catch(() => undefined); // errors surface on get()
    },
    stats: () => ({ ...st }),
    dispose: async () => {
      await opts.speech?.dispose();
      await opts.text?.dispose();
    },
  };
}

/** What `openLiveTargets` loads: plain data, so every data-parallel worker thread can open its own teachers. */
export interface OpenLiveTargetsOptions {
  /** `--speech-teacher` / `--text-teacher` values: in-project folder, `onnx:DIR`, or a hub id (already downloaded: no network here). */
  speechTeacher?: string;
  textTeacher?: string;
  /** Manifests whose utterances may be asked for. */
  manifests: readonly string[];
  speechLayers?: readonly number[];
  speechLogits?: boolean;
  textLayers?: readonly number[];
  storage?: Partial<StorageOptions>;
  /** onnxruntime threads of each teacher (default 1: a worker thread's teacher shares the machine with the others). */
  threads?: number;
  /** transformers.js variant of ONNX teachers. */
  modelDtype?: string;
}

/** Loads the teachers named by flag values and returns on-the-fly targets over the manifests' utterances. */
export async function openLiveTargets(o: OpenLiveTargetsOptions): Promise<LiveTargets> {
  if (!o.speechTeacher && !o.textTeacher) throw new TeachersArgumentError('on-the-fly targets: give a speech and/or a text teacher');
  const { loadSpeechTeacherFlag, loadTextTeacherFlag } = await import('../cli/load-teachers.js');
  const { loadAudioAt } = await import('../cli/load-audio.js');
  const { parseModelDtype } = await import('@speechkd/onnx-graph');
  const modelDtype = o.modelDtype ? parseModelDtype(o.modelDtype, 'modelDtype') : undefined;
  const threads = o.threads ?? 1;
  const speech = o.speechTeacher ? await loadSpeechTeacherFlag(o.speechTeacher, { threads, modelDtype, inProjectEngine: 'onnx' }) : undefined;
  let text: CacheTextTeacher | undefined;
  try {
    text = o.textTeacher ? await loadTextTeacherFlag(o.textTeacher, { threads, modelDtype }) : undefined;
  } catch (err) {
    await speech?.dispose();
    throw err;
  }
  const entries = o.manifests.flatMap((m) => readManifest(m));
  return createLiveTargets({
    entries, loadAudio: loadAudioAt, speech, text,
    speechLayers: o.speechLayers, speechLogits: o.speechLogits, textLayers: o.textLayers, storage: o.storage,
  });
}
