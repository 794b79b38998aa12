import { FEATURE_BINS } from '@speechkd/recognizer';
import type { Utterance } from '../batches.js';

/** Training utterances in shared memory: helper threads read the same features without copies. */
export interface SharedUtterances {
  /** float32 features of every utterance, concatenated (row-major [frames, 80] each). */
  features: SharedArrayBuffer;
  /** int32 labels of every utterance, concatenated. */
  labels: SharedArrayBuffer;
  ids: string[];
  texts: string[];
  frames: number[];
  labelLengths: number[];
}

/**
 * Moves utterances into shared memory: returns the shared store and the same utterances as views into it
 * (use those from now on; the private copies can be collected).
 */
export function shareUtterances(utts: readonly Utterance[]): { shared: SharedUtterances; utts: Utterance[] } {
  const featureFloats = utts.reduce((a, u) => a + u.frames * FEATURE_BINS, 0);
  const labelInts = utts.reduce((a, u) => a + u.labels.length, 0);
  const shared: SharedUtterances = {
    features: new SharedArrayBuffer(featureFloats * 4),
    labels: new SharedArrayBuffer(labelInts * 4),
    ids: utts.map((u) => u.id),
    texts: utts.map((u) => u.text),
    frames: utts.map((u) => u.frames),
    labelLengths: utts.map((u) => u.labels.length),
  };
  const feats = new Float32Array(shared.features);
  const labels = new Int32Array(shared.labels);
  let f = 0;
  let l = 0;
  for (const u of utts) {
    feats.set(u.data.subarray(0, u.frames * FEATURE_BINS), f);
    labels.set(u.labels, l);
    f += u.frames * FEATURE_BINS;
    l += u.labels.length;
  }
  return { shared, utts: openSharedUtterances(shared) };
}

/** The utterances of a shared store, as views into its memory. */
export function openSharedUtterances(s: SharedUtterances): Utterance[] {
  let f = 0;
  let l = 0;
  return s.ids.map((id, i) => {
    const n = s.frames[i] * FEATURE_BINS;
    const u: Utterance = {
      id, text: s.texts[i], frames: s.frames[i],
      data: new Float32Array(s.features, f * 4, n),
      labels: new Int32Array(s.labels, l * 4, s.labelLengths[i]),
    };
    f += n;
    l += s.labelLengths[i];
    return u;
  });
}
