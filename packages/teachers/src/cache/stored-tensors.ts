import { TeachersArgumentError } from '../errors.js';
import type { CacheTextOutput, SpeechTeacher, SpeechTeacherOutput } from '../speech-teacher.js';
import { SPEECH_LOGITS, TEXT_IDS, speechHiddenName, textHiddenName } from './format.js';
import type { HiddenDType, SpeechCacheKey, SpeechStorageKey, TextCacheKey } from './format.js';
import type { TensorInput } from './record.js';
import { DEFAULT_STORAGE, poolFrames, projectRows, projectionMatrix } from './storage.js';
import type { StorageOptions } from './storage.js';

/** The speech key of a cache: what is stored from `teacher`, at which rate and width after the storage reductions. */
export function speechKeyFor(teacher: SpeechTeacher, layers: number[], logits: boolean, storage: StorageOptions): SpeechCacheKey {
  const withLogits = logits && teacher.vocabSize !== null;
  const reduced = storage.pool !== 1 || storage.projectDim > 0 || (withLogits && storage.logitsTopK > 0);
  const key: SpeechCacheKey = {
    name: teacher.name, fingerprint: teacher.fingerprint, layers, logits: withLogits,
    frameRate: teacher.frameRate / storage.pool, dim: storage.projectDim > 0 ? storage.projectDim : teacher.dim,
    numLayers: teacher.numLayers, vocabSize: teacher.vocabSize,
  };
  if (teacher.vocab) key.vocab = [...teacher.vocab];
  if (reduced) {
    const s: SpeechStorageKey = {
      pool: storage.pool, teacherFrameRate: teacher.frameRate,
      projection: storage.projectDim > 0 ? { teacherDim: teacher.dim, seed: storage.projectSeed } : null,
      logitsTopK: withLogits ? storage.logitsTopK : 0,
    };
    key.storage = s;
  }
  return key;
}

/** Turns one utterance's teacher outputs into the tensors a record stores (pooled, projected, quantized as the key says). */
export class SpeechTensorWriter {
  private readonly matrix: Float32Array | null;
  constructor(private readonly key: SpeechCacheKey, private readonly hidden: HiddenDType) {
    const p = key.storage?.projection;
    this.matrix = p ? projectionMatrix(p.teacherDim, key.dim, p.seed) : null;
  }

  /** Record tensors of `out` (`speech.hidden.<L>` `[frames, dim]`, `speech.logits` `[frames, vocab]`). */
  tensors(id: string, out: SpeechTeacherOutput): TensorInput[] {
    const k = this.key;
    const pool = k.storage?.pool ?? DEFAULT_STORAGE.pool;
    const frames = Math.ceil(out.numFrames / pool);
    const tensors: TensorInput[] = [];
    for (const l of k.layers) {
      const h = out.hiddenStates[l];
      if (!h) throw new TeachersArgumentError(`speech teacher ${k.name} returned no hidden state ${l} for "${id}"`);
      let data = poolFrames(h, out.numFrames, out.dim, pool);
      if (this.matrix) data = projectRows(data, frames, out.dim, this.matrix, k.dim);
      tensors.push({ name: speechHiddenName(l), data, shape: [frames, k.dim], ...(this.hidden === 'int8' ? { as: 'int8-rows' as const } : {}) });
    }
    if (k.logits && out.logits) {
      const vocab = out.logits.length / Math.max(1, out.numFrames);
      const data = poolFrames(out.logits, out.numFrames, vocab, pool);
      const topK = k.storage?.logitsTopK ?? 0;
      tensors.push({ name: SPEECH_LOGITS, data, shape: [frames, vocab], ...(topK > 0 ? { as: 'topk' as const, k: topK } : {}) });
    }
    return tensors;
  }
}

/** Record tensors of one transcript's text-teacher output (`text.ids`, `text.hidden.<L>`). */
export function textTensors(id: string, key: TextCacheKey, t: CacheTextOutput, hidden: HiddenDType): TensorInput[] {
  const tensors: TensorInput[] = [{ name: TEXT_IDS, data: t.ids, shape: [t.ids.length] }];
  for (const l of key.layers) {
    const h = t.hiddenStates[l];
    if (!h) throw new TeachersArgumentError(`text teacher ${key.name} returned no hidden state ${l} for "${id}"`);
    tensors.push({ name: textHiddenName(l), data: h, shape: [t.ids.length, key.dim], ...(hidden === 'int8' ? { as: 'int8-rows' as const } : {}) });
  }
  return tensors;
}
