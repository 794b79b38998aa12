import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { createStudent } from './student.js';
import type { StudentModel } from './student.js';
import { loadModel, ModelIoError, saveModel } from './io.js';
import { fromHalf, toHalf } from './quantize.js';


describe('saveModel / loadModel', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-io-'));
  let model: StudentModel;
  let x: Tensor3D;
  let ref: Float32Array;
  beforeAll(async () => {
    await initBackend({ log: null });
    model = createStudent('test-tiny', { seed: 2 });
    x = tf.randomNormal([1, 40, 80], 0, 1, 'float32', 3) as Tensor3D;
    ref = tf.tidy(() => model.forward(x, [40]).logits.dataSync() as Float32Array);
  });
  const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

  for (const [precision, tol, ratio] of [['float32', 0, 1], ['float16', 2e-2, 0.6], ['int8', 0.1, 0.4]] as const) {
    it(`${precision} - round trip keeps the outputs and shrinks the file`, () => {
      const d = path.join(dir, precision);
      saveModel(model, d, { precision });
      const { model: m2, manifest } = loadModel(d);
      expect(manifest.precision).toBe(precision);
      const out = tf.tidy(() => m2.forward(x, [40]).logits.dataSync() as Float32Array);
      expect(maxDiff(out, ref)).toBeLessThanOrEqual(tol);
      const size = fs.statSync(path.join(d, 'weights.bin')).size;
      expect(size).toBeLessThanOrEqual(model.numParams() * 4 * ratio);
      m2.dispose();
    });
  }

  it('fails clearly on a directory without a model', () => {
    expect(() => loadModel(path.join(dir, 'nope'))).toThrow(ModelIoError);
    expect(() => loadModel(path.join(dir, 'nope'))).toThrow(/model\.json/);
  });

  it('half conversion round-trips representable values and rounds others', () => {
    for (const v of [0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) expect(fromHalf(toHalf(v))).toBe(v);
    expect(fromHalf(toHalf(0.1))).toBeCloseTo(0.1, 3);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
  });
});
