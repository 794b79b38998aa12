import { tf } from '@speechkd/tensor-backend';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { specAugment } from '@speechkd/audio-features';
import type { SpecAugmentOptions } from '@speechkd/audio-features';
import { FEATURE_BINS } from '@speechkd/recognizer';
import { Rng } from '@speechkd/random';

/** One training/eval utterance: normalized features and encoded transcript. */
export interface Utterance {
  id: string;
  text: string;
  labels: Int32Array;
  frames: number;
  /** CMVN-normalized row-major [frames, 80]. */
  data: Float32Array;
}

/** A padded batch; lengths travel with every padded tensor. */
export interface TrainBatch {
  ids: string[];
  texts: string[];
  /** [batch, frames, 80]. */
  features: Tensor3D;
  /** Valid frames per utterance. */
  lengths: number[];
  /** int32 [batch, maxLabels] (0-padded). */
  labels: Tensor2D;
  labelLengths: number[];
}

/**
 * Groups utterances into length-bucketed batches: sorted by frames, each batch holds as many as fit in
 * `batchFrames` padded frames (count x longest), at most `maxBatch`. Returns index lists.
 */
export function makeBatches(utts: readonly { frames: number; id: string }[], batchFrames: number, maxBatch: number): number[][] {
  const order = utts.map((_, i) => i).sort((a, b) => utts[a].frames - utts[b].frames || (utts[a].id < utts[b].id ? -1 : 1));
  const batches: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    const longest = utts[i].frames; // sorted ascending: the newcomer is the longest
    if (cur.length > 0 && (cur.length >= maxBatch || (cur.length + 1) * longest > batchFrames)) {
      batches.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length) batches.push(cur);
  return batches;
}

/** Epoch-wise shuffled batch order, fully determined by (seed, epoch): the data-order state is (epoch, cursor). */
export function epochOrder(numBatches: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: numBatches }, (_, i) => i);
  return new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(order);
}

/** Pads utterances into tensors; SpecAugment (seeded per utterance) when `augment` is given. */
export function collate(utts: readonly Utterance[], augment?: { options: SpecAugmentOptions; seeds: number[] }): TrainBatch {
  const b = utts.length;
  const maxT = Math.max(...utts.map((u) => u.frames));
  const maxL = Math.max(1, ...utts.map((u) => u.labels.length));
  const feats = new Float32Array(b * maxT * FEATURE_BINS);
  const labels = new Int32Array(b * maxL);
  utts.forEach((u, i) => {
    let data = u.data;
    if (augment) data = specAugment({ data, numFrames: u.frames, numBins: FEATURE_BINS }, { ...augment.options, seed: augment.seeds[i] }).data;
    feats.set(data, i * maxT * FEATURE_BINS);
    labels.set(u.labels, i * maxL);
  });
  return {
    ids: utts.map((u) => u.id),
    texts: utts.map((u) => u.text),
    features: tf.tensor3d(feats, [b, maxT, FEATURE_BINS]),
    lengths: utts.map((u) => u.frames),
    labels: tf.tensor2d(labels, [b, maxL], 'int32'),
    labelLengths: utts.map((u) => u.labels.length),
  };
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: TrainBatch): void {
  tf.dispose([batch.features, batch.labels]);
}
