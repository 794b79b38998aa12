import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Scalar, Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { ctcLoss } from './index.js';
import type { CtcReduction } from './ctc-loss.js';

type Num = number | 'Infinity' | '-Infinity' | 'NaN';
interface GoldenCase {
  name: string;
  blank: number;
  zeroInfinity: boolean;
  batch: number;
  time: number;
  vocab: number;
  maxLabelLength: number;
  logits: number[];
  labels: number[];
  logitLengths: number[];
  labelLengths: number[];
  upstream: number[];
  results: Record<CtcReduction, { loss: Num[]; grad: Num[] }>;
}

const golden = JSON.parse(
  readFileSync(new URL('../../test/golden/ctc-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

const toNumber = (v: Num): number => (typeof v === 'number' ? v : Number(v));

/** Counts entries outside |actual - expected| <= rel * |expected| + abs (NaN and Inf must match exactly). */
function mismatches(actual: ArrayLike<number>, expected: Num[], rel: number, abs: number): string[] {
  const bad: string[] = [];
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = toNumber(expected[i]);
    const a = actual[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= rel * Math.abs(e) + abs : Object.is(a, e) || (Number.isNaN(e) && Number.isNaN(a));
    if (!ok && bad.length < 5) bad.push(`[${i}] ${a} vs ${e}`);
  }
  return bad;
}

function runCase(c: GoldenCase, reduction: CtcReduction): { loss: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const logits = tf.tensor3d(c.logits, [c.batch, c.time, c.vocab], 'float32');
    const labels = tf.tensor2d(c.labels, [c.batch, c.maxLabelLength], 'int32');
    const logitLengths = tf.tensor1d(c.logitLengths, 'int32');
    const opts = { blank: c.blank, reduction, zeroInfinity: c.zeroInfinity };
    const upstream = tf.tensor1d(c.upstream, 'float32');
    const objective = (x: Tensor): Scalar => {
      const loss = ctcLoss(x as Tensor3D, labels, logitLengths, c.labelLengths, opts);
      return reduction === 'none' ? tf.sum(tf.mul(loss, upstream)) : (loss as Scalar);
    };
    const loss = ctcLoss(logits, labels, logitLengths, c.labelLengths, opts).dataSync() as Float32Array;
    const grad = tf.grad(objective)(logits).dataSync() as Float32Array;
    return { loss, grad };
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`ctcLoss vs torch.nn.functional.ctc_loss (${backend})`, () => {
    let before = 0;
    it('initializes the backend', async () => {
      await initBackend({ backend, log: null });
      before = tf.memory().numTensors;
    });
    for (const c of golden.cases) {
      for (const reduction of ['none', 'mean', 'sum'] as const) {
        it(`${c.name} - reduction ${reduction}${c.zeroInfinity ? ' - zeroInfinity' : ''}`, () => {
          const { loss, grad } = runCase(c, reduction);
          const expected = c.results[reduction];
          expect(mismatches(loss, expected.loss, 1e-4, 1e-6)).toEqual([]);
          expect(mismatches(grad, expected.grad, 1e-4, 1e-6)).toEqual([]);
        });
      }
    }
    afterAll(() => {
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
