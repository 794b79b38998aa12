import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeacherGate, fuseTeacherLogits, fuseTeacherStates, kdLossFromProbs } from '../index.js';
import type { TeacherGate } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, flat, golden, scalar, take, tf, useBackend } from '../../test/helpers.js';

const g = golden.fusion;

describe.each(BACKENDS)('multi-teacher fusion [%s]', (backend) => {
  let gate: TeacherGate;
  let teachers: tf.Tensor[], ctx: tf.Tensor, student: tf.Tensor, mask: tf.Tensor;
  beforeAll(async () => {
    await useBackend(backend);
    gate = createTeacherGate(6, 2, { hiddenDim: 4 });
    const [w1, b1, w2, b2] = gate.variables;
    w1.assign(T(g.W1));
    b1.assign(T(g.b1));
    w2.assign(T(g.W2));
    b2.assign(T(g.b2));
    teachers = g.teachers.map((x: unknown) => T(x));
    [ctx, student, mask] = [T(g.context), T(g.student), T(g.mask)];
  });
  afterAll(() => {
    gate.dispose();
    tf.dispose([...teachers, ctx, student, mask]);
  });

  it('gate weights, fused targets and the KD loss on them match torch', () => {
    const w = gate.apply(ctx);
    expectClose(Array.from(w.dataSync()), flat(g.weights));
    const fused = fuseTeacherLogits(teachers, w, 2);
    expectClose(Array.from(fused.dataSync()), flat(g.fused));
    expectClose(scalar(kdLossFromProbs(fused, student, { temperature: 2, mask })), g.kd);
    tf.dispose([w, fused]);
  });

  it('per-frame gating, fixed weights and hidden-state fusion', () => {
    const frameCtx = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 4);
    const w = gate.apply(frameCtx);
    expect(w.shape).toEqual([2, 5, 2]);
    expectClose(take(tf.sum(w, -1)), new Array(10).fill(1));
    const avg = fuseTeacherStates(teachers, [0.5, 0.5]);
    expectClose(take(avg), take(tf.tidy(() => tf.mul(tf.add(teachers[0], teachers[1]), 0.5))));
    expect(fuseTeacherStates(teachers, w).shape).toEqual([2, 5, 7]);
    tf.dispose([frameCtx, w]);
  });

  it('no leaks; gradients reach the gate through the fused KD loss', () => {
    expectNoLeak(() => gate.apply(ctx));
    const w = gate.apply(ctx);
    expectNoLeak(() => fuseTeacherLogits(teachers, w, 2));
    w.dispose();
    const { value, grads } = tf.variableGrads(
      () => kdLossFromProbs(fuseTeacherLogits(teachers, gate.apply(ctx), 2), student, { temperature: 2, mask }) as tf.Scalar,
      gate.variables,
    );
    expect(Object.keys(grads).length).toBe(4);
    tf.dispose([value, ...Object.values(grads)]);
    expectGradMatches((c) => kdLossFromProbs(fuseTeacherLogits(teachers, gate.apply(c), 2), student, { temperature: 2, mask }), ctx);
  });

  it('throws for mismatched teachers and weights', () => {
    const odd = tf.zeros([2, 5, 8]);
    expect(() => fuseTeacherLogits([teachers[0], odd], [0.5, 0.5])).toThrow(
      "fuseTeacherLogits: argument 'targets[1]' has shape [2,5,8] but 'targets[0]' has [2,5,7]",
    );
    expect(() => fuseTeacherStates(teachers, [1])).toThrow("fuseTeacherStates: argument 'weights' must be 2 finite numbers >= 0 (one per teacher), got [1]");
    const w3 = tf.ones([2, 3]);
    expect(() => fuseTeacherStates(teachers, w3)).toThrow("fuseTeacherStates: argument 'weights' has shape [2,3] but 2 teachers of shape [2,5,7] need [2,2]");
    expect(() => gate.apply(teachers[0])).toThrow("TeacherGate.apply: argument 'context' must have last dim 6 but has shape [2,5,7]");
    tf.dispose([odd, w3]);
  });
});
