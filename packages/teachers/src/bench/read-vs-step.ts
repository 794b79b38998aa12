import { createStudent, ctcLoss, encodeText } from '@speechkd/student-trainer';
import { tf } from '@speechkd/tensor-backend';
import type { Scalar, Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { padCachedBatch } from '../cache/pad-batch.js';
import type { CachedTargets, CachedTensor, TeacherCache } from '../cache/read-cache.js';
import { fbank80 } from './bench-teachers.js';

/** One utterance of the step benchmark: features and transcript. */
export interface StepUtterance {
  id: string;
  samples: Float32Array;
  text: string;
}

function padRows(rows: CachedTensor[]): Tensor3D {
  const p = padCachedBatch(rows);
  return tf.tensor3d(p.data, p.shape);
}

/** Reads a batch's cached targets and turns them into padded tensors (what the trainer does per step). */
export async function readBatchTargets(cache: TeacherCache, ids: readonly string[], layers: readonly number[]): Promise<Tensor[]> {
  const got: CachedTargets[] = await Promise.all(ids.map((id) => cache.get(id)));
  const out = layers.map((l) => padRows(got.map((g) => g.speech!.layers.get(l)!)));
  if (got[0].speech!.logits) out.push(padRows(got.map((g) => g.speech!.logits!)));
  return out;
}

/**
 * A student-s distillation step on wasm/cpu: forward (training, hidden states), CTC + MSE of two
 * projected student layers to the cached teacher layers + KL-free logit L2, backward, Adam update.
 * Returns a closure timing one step with the given targets.
 */
export function makeStudentStep(utts: readonly StepUtterance[], teacherDim: number, studentLayers: readonly number[]) {
  const model = createStudent('student-s', { seed: 1 });
  const proj = studentLayers.map((_, i) => tf.variable(tf.randomNormal([model.config.dim, teacherDim], 0, 0.02, 'float32', i + 1)));
  const optimizer = tf.train.adam(1e-4);
  const feats = utts.map((u) => fbank80(u.samples));
  const maxT = Math.max(...feats.map((f) => f.numFrames));
  const fbuf = new Float32Array(utts.length * maxT * 80);
  feats.forEach((f, b) => fbuf.set(f.data, b * maxT * 80));
  const features = tf.tensor3d(fbuf, [utts.length, maxT, 80]);
  const lengths = feats.map((f) => f.numFrames);
  const labels = utts.map((u) => encodeText(u.text));
  const maxL = Math.max(...labels.map((l) => l.length));
  const lbuf = new Int32Array(utts.length * maxL);
  labels.forEach((l, b) => lbuf.set(l, b * maxL));
  const labelT = tf.tensor2d(lbuf, [utts.length, maxL], 'int32');
  const labelLengths = labels.map((l) => l.length);
  const vars = [...model.params.vars.values(), ...proj];

  return {
    step(targets: Tensor[]): number {
      const cost = optimizer.minimize(() => {
        const out = model.forward(features, lengths, { training: true, returnHidden: true, dropoutSeed: 1 });
        let loss = ctcLoss(out.logits, labelT, out.logitLengths, labelLengths, { zeroInfinity: true });
        studentLayers.forEach((l, i) => {
          const s = out.hiddenStates[l];
          const t = targets[i];
          const frames = Math.min(s.shape[1], t.shape[1] as number);
          const ps = tf.matMul(tf.reshape(tf.slice(s, [0, 0, 0], [-1, frames, -1]), [-1, model.config.dim]), proj[i]);
          const tt = tf.reshape(tf.slice(t, [0, 0, 0], [-1, frames, -1]), [-1, teacherDim]);
          loss = tf.add(loss, tf.mean(tf.squaredDifference(ps, tt)));
        });
        return loss as Scalar;
      }, true, vars);
      const v = cost!.dataSync()[0];
      cost!.dispose();
      return v;
    },
    dispose(): void {
      tf.dispose([features, labelT, ...proj]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
