import type { TextTeacher } from '@speechkd/text-encoders';
import { disposeEncoding } from '@speechkd/text-encoders';
import type { CacheTextOutput, CacheTextTeacher } from './speech-teacher.js';

/** Adapts a `TextTeacher` (padded tfjs batches) to the per-utterance typed arrays the cache stores. */
export function textTeacherForCache(teacher: TextTeacher): CacheTextTeacher {
  return {
    name: teacher.name,
    fingerprint: teacher.fingerprint,
    dim: teacher.dim,
    numLayers: teacher.numLayers,
    async encode(texts: readonly string[], layers?: readonly number[]): Promise<CacheTextOutput[]> {
      const enc = await teacher.encode(texts);
      try {
        const [batch, tokens] = enc.tokenIds.shape;
        const ids = enc.tokenIds.dataSync() as Int32Array;
        const mask = enc.mask.dataSync() as Float32Array;
        const want = layers ?? enc.hiddenStates.map((_, i) => i);
        const hidden = new Map(want.map((l) => [l, enc.hiddenStates[l].dataSync() as Float32Array]));
        const out: CacheTextOutput[] = [];
        for (let b = 0; b < batch; b++) {
          let len = 0;
          while (len < tokens && mask[b * tokens + len] > 0) len++; // right padding: the mask is a prefix of ones
          const hiddenStates: Array<Float32Array | undefined> = new Array(enc.numLayers + 1).fill(undefined);
          for (const [l, h] of hidden) hiddenStates[l] = h.slice(b * tokens * enc.dim, (b * tokens + len) * enc.dim);
          out.push({ ids: ids.slice(b * tokens, b * tokens + len), hiddenStates });
        }
        return out;
      } finally {
        disposeEncoding(enc);
      }
    },
    dispose: () => teacher.dispose(),
  };
}
