import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { createStudent } from '@speechkd/student-trainer';
import type { TrainBatch } from '@speechkd/student-trainer';
import { makeHeader } from '@speechkd/teachers';
import type { CachedTargets, CachedTensor } from '@speechkd/teachers';
import type { Variable } from '@tensorflow/tfjs-core';
import { createDistillObjective, resolveDistillConfig, resolveLayerPairs, DistillConfigError } from './index.js';
import type { TargetSource } from './index.js';

const VOCAB = 29;
const T_DIM = 12;
const X_DIM = 10;

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const tensor = (shape: number[], seed: number): CachedTensor => ({ shape, data: rand(shape[0] * shape[1], seed), storedDType: 'float32' });

/** In-memory target source: frames = the student's output frames of each utterance (same frame rate). */
function memorySource(framesById: Record<string, number>, tokensById: Record<string, number>): TargetSource {
  return {
    get: async (id: string): Promise<CachedTargets> => {
      const f = framesById[id];
      const seed = id.length * 97 + f;
      return {
        id, duration: 1, byteLength: 0,
        speech: { frameRate: 25, logits: { ...tensor([f, VOCAB], seed), data: rand(f * VOCAB, seed).map((v) => v * 12) }, layers: new Map([[1, tensor([f, T_DIM], seed + 1)], [2, tensor([f, T_DIM], seed + 2)]]) },
        text: { ids: new Int32Array(tokensById[id]), layers: new Map([[2, tensor([tokensById[id], X_DIM], seed + 3)]]) },
      };
    },
  };
}

const header = makeHeader(
  'float32',
  { name: 'fake-speech', fingerprint: 'a', layers: [1, 2], logits: true, frameRate: 25, dim: T_DIM, numLayers: 2, vocabSize: VOCAB },
  { name: 'fake-text', fingerprint: 'b', layers: [2], dim: X_DIM, numLayers: 2 },
);

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('resolveLayerPairs', () => {
  it('uniform spreads cached teacher layers over student blocks', () => {
    expect(resolveLayerPairs('uniform', 6, [8, 2, 4, 6])).toEqual([
      { student: 2, teacher: 2 }, { student: 3, teacher: 4 }, { student: 5, teacher: 6 }, { student: 6, teacher: 8 },
    ]);
  });
  it('last-K and explicit pairs', () => {
    expect(resolveLayerPairs('last-2', 6, [2, 4, 6, 8])).toEqual([{ student: 5, teacher: 6 }, { student: 6, teacher: 8 }]);
    expect(resolveLayerPairs('3:4, 6:8', 6, [4, 8])).toEqual([{ student: 3, teacher: 4 }, { student: 6, teacher: 8 }]);
  });
  it('throws on uncached teacher layers and bad specs', () => {
    expect(() => resolveLayerPairs('3:5', 6, [4, 8])).toThrow(/teacher layer 5 is not cached/);
    expect(() => resolveLayerPairs('last-9', 6, [4, 8])).toThrow(DistillConfigError);
    expect(() => resolveLayerPairs('3-4', 6, [4, 8])).toThrow(/not "student:teacher"/);
  });
});

describe('resolveDistillConfig', () => {
  it('rejects unknown keys, bad enums and negative weights', () => {
    expect(() => resolveDistillConfig({ kdWieght: 1 })).toThrow(/"kdWieght" is unknown/);
    expect(() => resolveDistillConfig({ speechLoss: 'huber' })).toThrow(/speechLoss/);
    expect(() => resolveDistillConfig({ kdWeight: -1 })).toThrow(/>= 0/);
    expect(resolveDistillConfig({ kdWeight: '0.5' }).kdWeight).toBe(0.5);
  });
});

describe('createDistillObjective', () => {
  it('every term decreases under joint training of the student and the heads, without leaks', async () => {
    const model = createStudent('test-tiny', { seed: 3 });
    const cfg = model.config;
    const lengths = [40, 32];
    const frames: Record<string, number> = {};
    // Output frames of each utterance, from a forward pass (x4 subsampling).
    const probe = tf.tidy(() => model.forward(tf.zeros([2, 40, cfg.numMelBins]) as never, lengths).outputLengths);
    frames.u1 = probe[0];
    frames.u2 = probe[1];
    const source = memorySource(frames, { u1: 5, u2: 3 });
    const objective = createDistillObjective(source, header, { numLayers: cfg.numLayers, dim: cfg.dim }, resolveDistillConfig({ contrastiveWeight: 0.5, ctcWeight: 0.2, seed: 1 }));
    const batch: TrainBatch = {
      ids: ['u1', 'u2'], texts: ['AB', 'C'], lengths,
      features: tf.tensor3d(rand(2 * 40 * cfg.numMelBins, 5), [2, 40, cfg.numMelBins]),
      labels: tf.tensor2d([[4, 5], [6, 0]], [2, 2], 'int32'),
      labelLengths: [2, 1],
    };
    const vars: Variable[] = [...model.params.vars.values(), ...objective.variables.values()];
    const opt = tf.train.adam(0.01);
    await objective.prepare!(batch, 0);
    const before = tf.memory().numTensors;
    const history: Record<string, number>[] = [];
    for (let step = 0; step < 30; step++) {
      const record: Record<string, number> = {};
      opt.minimize(() => {
        const output = model.forward(batch.features, batch.lengths, { returnHidden: true });
        const terms = objective.terms({ batch, output, model, step });
        for (const [k, v] of Object.entries(terms)) record[k] = v.dataSync()[0];
        const w = objective.weights(step);
        return tf.addN(Object.entries(terms).filter(([k]) => w[k] !== 0).map(([k, v]) => tf.mul(v, w[k]))) as never;
      }, false, vars);
      history.push(record);
    }
    expect(Object.keys(history[0]).sort()).toEqual(['contrastive', 'ctc', 'kd', 's1->t1', 's2->t2', 'speech', 'text'].sort());
    for (const key of ['ctc', 'kd', 'speech', 'text', 'contrastive']) {
      expect(history[29][key], key).toBeLessThan(history[0][key]);
    }
    // Adam's slot variables are created at the first step; afterwards the count must be stable.
    const afterFirst = tf.memory().numTensors;
    opt.minimize(() => {
      const output = model.forward(batch.features, batch.lengths, { returnHidden: true });
      const terms = objective.terms({ batch, output, model, step: 30 });
      return terms.ctc;
    }, false, vars);
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThanOrEqual(before);
    objective.release!(batch);
    objective.dispose();
    opt.dispose();
  });

  it('refuses KD without cached logits and unprepared batches', () => {
    const noLogits = makeHeader('float32', { ...header.speech!, logits: false }, header.text);
    expect(() => createDistillObjective(memorySource({}, {}), noLogits, { numLayers: 2, dim: 16 }, resolveDistillConfig())).toThrow(/no speech logits/);
  });
});
