import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { createStudent, MODEL_PRESETS, resolveModelConfig, ModelConfigError, subsampledLength } from '../index.js';
import type { Scalar, Tensor3D } from '@tensorflow/tfjs-core';

beforeAll(async () => {
  await initBackend({ log: null });
});

describe('createStudent', () => {
  it('presets have the advertised sizes', () => {
    const sizes: Record<string, number> = {};
    for (const name of ['student-xs', 'student-s', 'teacher-m']) {
      const m = createStudent(name);
      sizes[name] = m.numParams();
      m.dispose();
    }
    expect(sizes['student-xs']).toBeGreaterThan(0.8e6);
    expect(sizes['student-xs']).toBeLessThan(1.3e6);
    expect(sizes['student-s']).toBeGreaterThan(2.5e6);
    expect(sizes['student-s']).toBeLessThan(3.5e6);
    expect(sizes['teacher-m'] / sizes['student-s']).toBeGreaterThan(3.5);
  });

  it('forward returns logits, lengths, hidden states and attentions without leaks', () => {
    const m = createStudent('test-tiny', { seed: 3 });
    const x = tf.randomNormal([2, 37, 80], 0, 1, 'float32', 1) as Tensor3D;
    const before = tf.memory().numTensors;
    const shapes = tf.tidy(() => {
      const out = m.forward(x, [37, 20], { returnHidden: true, returnAttention: true });
      expect(out.outputLengths).toEqual([subsampledLength(37), subsampledLength(20)]);
      expect(Array.from(out.logitLengths.dataSync())).toEqual(out.outputLengths);
      expect(out.hiddenStates).toHaveLength(3);
      expect(out.attentions).toHaveLength(2);
      // padded keys get no attention
      const att = out.attentions![0].arraySync() as number[][][][];
      expect(att[1][0][0][out.outputLengths[1]]).toBeLessThan(1e-6);
      return [out.logits.shape, out.hiddenStates[1].shape, out.attentions![0].shape];
    });
    expect(shapes).toEqual([[2, 8, 29], [2, 8, 16], [2, 2, 8, 8]]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('padding does not change the outputs of valid frames', () => {
    const m = createStudent('test-tiny', { seed: 5 });
    const x = tf.randomNormal([1, 41, 80], 0, 1, 'float32', 2) as Tensor3D;
    const a = tf.tidy(() => m.forward(x, [41]).logits.arraySync() as number[][][]);
    const b = tf.tidy(() => m.forward(tf.pad(x, [[0, 0], [0, 24], [0, 0]]) as Tensor3D, [41]).logits.arraySync() as number[][][]);
    for (let t = 0; t < subsampledLength(41); t++) {
      for (let v = 0; v < 29; v++) expect(b[0][t][v]).toBeCloseTo(a[0][t][v], 4);
    }
    x.dispose();
    m.dispose();
  });

  it('same seed gives the same weights', () => {
    const a = createStudent('test-tiny', { seed: 9 });
    const b = createStudent('test-tiny', { seed: 9 });
    expect(Array.from(a.params.get('blocks/1/att/wqkv').dataSync())).toEqual(Array.from(b.params.get('blocks/1/att/wqkv').dataSync()));
    a.dispose();
    b.dispose();
  });

  it('has gradients for every parameter on the active backend', () => {
    const m = createStudent('test-tiny');
    const x = tf.randomNormal([2, 30, 80], 0, 1, 'float32', 4) as Tensor3D;
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(m.forward(x, [30, 25], { training: true }).logits)) as Scalar);
    for (const [name, v] of m.params.vars) expect(grads[v.name], name).toBeDefined();
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    value.dispose();
    tf.dispose(grads);
    x.dispose();
    m.dispose();
  });
});

describe('backends', () => {
  it('cpu and wasm give the same loss and gradients', async () => {
    const run = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await initBackend({ backend, log: null });
      const m = createStudent('test-tiny', { seed: 4 });
      const x = tf.randomNormal([2, 30, 80], 0, 1, 'float32', 6) as Tensor3D;
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(m.forward(x, [30, 22]).logits)) as Scalar);
      const out = [value.dataSync()[0], ...Array.from(grads[m.params.get('blocks/0/att/wqkv').name].dataSync().slice(0, 20))];
      tf.dispose([value, x, ...Object.values(grads)]);
      m.dispose();
      return out;
    };
    const a = await run('cpu');
    const b = await run('wasm');
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
  });
});

describe('resolveModelConfig', () => {
  it('rejects unknown presets and keys with a typed error', () => {
    expect(() => resolveModelConfig('student-q')).toThrow(ModelConfigError);
    expect(() => resolveModelConfig('student-s', { bogus: 1 } as never)).toThrow(/"bogus" is unknown/);
    expect(() => resolveModelConfig('student-s', { numHeads: 5 })).toThrow(/divisible/);
    expect(Object.keys(MODEL_PRESETS)).toContain('teacher-m');
    for (const bad of [0, -0.5, Number.NaN, Infinity]) {
      expect(() => resolveModelConfig('student-s', { residualInitScale: bad })).toThrow(/"residualInitScale" must be a positive number/);
    }
  });

  it('starts the residual branches of the 6- and 8-block presets at 0.1 and reads configs saved without the key as 1', () => {
    for (const [name, preset] of Object.entries(MODEL_PRESETS)) {
      expect(preset.residualInitScale, name).toBe(preset.numLayers >= 6 ? 0.1 : 1);
    }
    const { residualInitScale: _, ...older } = MODEL_PRESETS['student-s'];
    expect(resolveModelConfig(older as never).residualInitScale).toBe(1);
  });
});

describe('residualInitScale', () => {
  it('scales exactly the output projections of the residual branches, from the same random draws', () => {
    const plain = createStudent('test-tiny', { seed: 7 });
    const scaled = createStudent('test-tiny', { seed: 7, overrides: { residualInitScale: 0.25 } });
    const branchOut = /^blocks\/\d+\/(ff1\/w2|ff2\/w2|att\/wo|conv\/pw2\/w)$/;
    let matched = 0;
    for (const [name, v] of plain.params.vars) {
      const a = v.dataSync();
      const b = scaled.params.get(name).dataSync();
      if (branchOut.test(name)) {
        matched++;
        let maxAbs = 0;
        a.forEach((x, i) => {
          expect(b[i]).toBeCloseTo(0.25 * x, 6);
          maxAbs = Math.max(maxAbs, Math.abs(x));
        });
        expect(maxAbs).toBeGreaterThan(0);
      } else {
        expect(Array.from(b), name).toEqual(Array.from(a));
      }
    }
    expect(matched).toBe(4 * MODEL_PRESETS['test-tiny'].numLayers);
    plain.dispose();
    scaled.dispose();
  });
});
