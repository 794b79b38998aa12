import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { adamwRange, HostAdamW } from './host-adamw.js';
import { AdamW } from './optimizer.js';

const OPTS = { beta1: 0.9, beta2: 0.98, epsilon: 1e-9, weightDecay: 0.01 };
const LAYOUT = { names: ['w', 'b'], shapes: [[5, 4], [4]] };
const N = 24;
const series = (k: number) => Float32Array.from({ length: N }, (_, i) => Math.sin(i * 1.3 + k) * (i % 3 === 0 ? 3 : 0.2));

describe('HostAdamW', () => {
  it('follows AdamW on tensors (clipping, decay on matrices only) to float tolerance over several steps', async () => {
    await initBackend({ backend: 'cpu', log: null });
    const host = new HostAdamW(OPTS, LAYOUT);
    const ref = new AdamW(OPTS);
    const w = series(0);
    const vars = new Map<string, Variable>([['w', tf.variable(tf.tensor2d(w.slice(0, 20), [5, 4]))], ['b', tf.variable(tf.tensor1d(w.slice(20)))]]);
    for (let s = 0; s < 5; s++) {
      const g = series(s + 1);
      const grads = new Map<string, Tensor>([['w', tf.tensor2d(g.slice(0, 20), [5, 4])], ['b', tf.tensor1d(g.slice(20))]]);
      const clip = s % 2 ? 0.5 : 0;
      const refNorm = ref.applyClipped(vars, grads, 1e-2, clip);
      const norm = host.apply(w, g, 1e-2, clip);
      expect(norm).toBeCloseTo(refNorm, 5);
      tf.dispose([...grads.values()]);
    }
    const want = [...vars.values()].flatMap((v) => Array.from(v.dataSync()));
    w.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThan(1e-6));
    expect(host.step).toBe(5);
    tf.dispose([...vars.values()]);
  });

  it('updated range by range (one beginStep, adamwRange per range, shared moments) equals the whole update bit for bit', () => {
    const whole = new HostAdamW(OPTS, LAYOUT);
    const split = new HostAdamW(OPTS, LAYOUT, { shared: true });
    expect(split.state.m[0].buffer).toBeInstanceOf(SharedArrayBuffer);
    const w1 = series(0);
    const w2 = series(0);
    for (let s = 0; s < 3; s++) {
      const g = series(s + 1);
      const norm = whole.apply(w1, g, 1e-2, 1);
      const st = split.beginStep(norm, 1e-2, 1)!;
      for (const [lo, hi] of [[0, 7], [7, 21], [21, N]]) adamwRange(split.opts, st, split.state, w2, g, lo, hi);
      split.commitStep(st);
    }
    expect(w2).toEqual(w1);
    expect(split.moments()).toEqual(whole.moments());
    expect(split.step).toBe(3);
  });

  it('a step begun and updated but never committed leaves the moments and the step count as they were', () => {
    const opt = new HostAdamW(OPTS, LAYOUT);
    opt.apply(series(0), series(1), 1e-2, 1);
    const before = { m: opt.moments().m.slice(), v: opt.moments().v.slice() };
    const st = opt.beginStep(2, 1e-2, 1)!;
    adamwRange(opt.opts, st, opt.state, series(0), series(2), 0, 10); // part of the vector, then "the helper died"
    expect(opt.moments()).toEqual(before);
    expect(opt.step).toBe(1);
    expect(() => opt.commitStep({ ...st, step: 5 })).toThrow(/step 5 does not follow step 1/);
  });

  it('skips a step whose norm is not finite (or on request) without counting it', () => {
    const opt = new HostAdamW(OPTS, LAYOUT);
    expect(opt.beginStep(Number.NaN, 1e-2, 1)).toBeNull();
    expect(opt.beginStep(3, 1e-2, 1, true)).toBeNull();
    expect(opt.step).toBe(0);
    expect(opt.beginStep(4, 1e-2, 2)).toEqual({ step: 1, lr: 1e-2, scale: 2 / (4 + 1e-6), from: 0 });
    expect(opt.beginStep(1, 1e-2, 2)?.scale).toBe(1);
    const w = series(0);
    const g = series(1);
    g[3] = Number.POSITIVE_INFINITY;
    expect(opt.apply(w, g, 1e-2, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(w).toEqual(series(0));
  });
});
