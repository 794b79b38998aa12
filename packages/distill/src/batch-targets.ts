import { tf } from '@speechkd/tensor-backend';
import { padCachedBatch } from '@speechkd/teachers';
import type { CachedTargets, CachedTensor, PaddedBatch } from '@speechkd/teachers';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { gatherColumns } from './ctc-label-map.js';

/** Anything that returns cached teacher targets by utterance id (a `TeacherCache` does). */
export interface TargetSource {
  get(id: string): Promise<CachedTargets>;
  prefetch?(ids: Iterable<string>): void;
}

/** A padded time-major stack: values [batch, time, dim] with its float mask [batch, time] and lengths. */
export interface PaddedStack {
  values: Tensor3D;
  mask: Tensor2D;
  lengths: number[];
}

/** Teacher targets of one batch as padded tensors (owned by the caller; free with `disposeBatchTargets`). */
export interface BatchTargets {
  /** Speech-teacher logits [batch, frames, vocab] (null when the cache has none or KD is off). */
  speechLogits: PaddedStack | null;
  /** Speech-teacher hidden states by teacher layer number, each [batch, frames, dim]. */
  speechLayers: Map<number, PaddedStack>;
  /** Text-tower states of the chosen layer [batch, tokens, dim] (null when not requested). */
  text: PaddedStack | null;
}

/** Error for a batch whose cached targets are missing or inconsistent. */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** Pads per-utterance row-major [time, dim] tensors into [batch, maxTime, dim] tensors plus mask; `what` names them in errors. */
export function padStack(items: readonly CachedTensor[], what: string): PaddedStack {
  let padded: PaddedBatch;
  try {
    padded = padCachedBatch(items);
  } catch (err) {
    throw new TargetError(`${what}: ${(err as Error).message}`);
  }
  const [batch, maxT] = padded.shape;
  const mask = new Float32Array(batch * maxT);
  padded.lengths.forEach((len, b) => mask.fill(1, b * maxT, b * maxT + len));
  return { values: tf.tensor3d(padded.data, padded.shape), mask: tf.tensor2d(mask, [batch, maxT]), lengths: padded.lengths };
}

/** Which cached targets a batch needs. */
export interface TargetRequest {
  logits: boolean;
  speechLayers: readonly number[];
  /** Text layer number to stack, or null. */
  textLayer: number | null;
  /** Teacher logit column of each student class (`teacherLogitColumns`), or null when they already agree. */
  logitColumns?: Int32Array | null;
}

/** Reads the batch's targets from the cache and pads them into tensors. */
export async function loadBatchTargets(source: TargetSource, ids: readonly string[], req: TargetRequest): Promise<BatchTargets> {
  const all = await Promise.all(ids.map((id) => source.get(id)));
  const speech = (id: string, t: CachedTargets) => {
    if (!t.speech) throw new TargetError(`teacher cache has no speech targets for "${id}"`);
    return t.speech;
  };
  let speechLogits: PaddedStack | null = null;
  if (req.logits) {
    speechLogits = padStack(all.map((t, i) => {
      const s = speech(ids[i], t);
      if (!s.logits) throw new TargetError(`teacher cache has no speech logits for "${ids[i]}"; rebuild it with logits or set kdWeight=0`);
      const cols = req.logitColumns;
      if (!cols) return s.logits;
      const [frames, vocab] = s.logits.shape;
      return { ...s.logits, shape: [frames, cols.length], data: gatherColumns(s.logits.data as Float32Array, frames, vocab, cols) };
    }), 'speech logits');
  }
  const speechLayers = new Map<number, PaddedStack>();
  for (const layer of req.speechLayers) {
    speechLayers.set(layer, padStack(all.map((t, i) => {
      const got = speech(ids[i], t).layers.get(layer);
      if (!got) throw new TargetError(`teacher cache has no speech layer ${layer} for "${ids[i]}"`);
      return got;
    }), `speech layer ${layer}`));
  }
  let text: PaddedStack | null = null;
  if (req.textLayer !== null) {
    const layer = req.textLayer;
    text = padStack(all.map((t, i) => {
      const got = t.text?.layers.get(layer);
      if (!got) throw new TargetError(`teacher cache has no text layer ${layer} for "${ids[i]}"`);
      return got;
    }), `text layer ${layer}`);
  }
  return { speechLogits, speechLayers, text };
}

/** Frees every tensor of a BatchTargets. */
export function disposeBatchTargets(t: BatchTargets): void {
  const stacks = [t.speechLogits, t.text, ...t.speechLayers.values()];
  for (const s of stacks) {
    if (!s) continue;
    s.values.dispose();
    s.mask.dispose();
  }
}
