import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlignmentError, kdLoss, kdLossFromProbs, kdMix } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, flat, golden, padMask, padTime, scalar, take, tf, useBackend } from '../../test/helpers.js';

const g = golden.kd;

describe.each(BACKENDS)('kdLoss [%s]', (backend) => {
  let teacher: tf.Tensor, student: tf.Tensor, mask: tf.Tensor;
  beforeAll(async () => {
    await useBackend(backend);
    [teacher, student, mask] = [T(g.teacher), T(g.student), T(g.mask)];
  });
  afterAll(() => tf.dispose([teacher, student, mask]));

  it('3D - masked - mean matches torch at T=1 and T=3', () => {
    expectClose(scalar(kdLoss(teacher, student, { temperature: 1, mask })), g.byT['1.0'].mean);
    expectClose(scalar(kdLoss(teacher, student, { mask })), g.byT['3.0'].mean);
  });

  it("3D - masked - 'none' gives per-frame values, zero at padding", () => {
    const v = kdLoss(teacher, student, { temperature: 3, mask, reduction: 'none' });
    expect(v.shape).toEqual([2, 5]);
    expectClose(take(v), flat(g.byT['3.0'].none));
  });

  it('2D - [batch, classes] and identical inputs give 0', () => {
    const x = tf.randomNormal([4, 9], 0, 1, 'float32', 1);
    expectClose(scalar(kdLoss(x, x)), 0, 1e-6);
    expect(kdLoss(x, tf.zeros([4, 9]), { reduction: 'none' }).shape).toEqual([4]);
    x.dispose();
  });

  it('from probabilities matches torch', () => {
    const p = T(g.teacherProbsT2);
    expectClose(scalar(kdLossFromProbs(p, student, { temperature: 2, mask })), g.fromProbsT2);
    p.dispose();
  });

  it('padding never changes the loss', () => {
    const [pt, ps, pm] = [padTime(teacher, 3), padTime(student, 3), padMask(mask, 3)];
    expectClose(scalar(kdLoss(pt, ps, { mask: pm })), g.byT['3.0'].mean);
    tf.dispose([pt, ps, pm]);
  });

  it('gradient matches finite differences', () => {
    expectGradMatches((s) => kdLoss(teacher, s, { mask }), student);
  });

  it('leaks no tensors', () => {
    expectNoLeak(() => kdLoss(teacher, student, { mask }));
    expectNoLeak(() => kdLoss(teacher, student));
    const p = tf.softmax(teacher);
    expectNoLeak(() => kdLossFromProbs(p, student, { mask }));
    p.dispose();
  });

  it('throws when shapes differ, naming op and arguments', () => {
    const bad = tf.zeros([2, 5, 8]);
    expect(() => kdLoss(teacher, bad)).toThrow("kdLoss: argument 'teacherLogits' has shape [2,5,7] but 'studentLogits' has [2,5,8]");
    expect(() => kdLoss(teacher, bad)).toThrow(AlignmentError);
    bad.dispose();
  });

  it('throws on wrong rank, bad temperature, empty batch, bad mask', () => {
    const r1 = tf.zeros([7]);
    expect(() => kdLoss(r1, r1)).toThrow(/kdLoss: argument 'teacherLogits' must have rank 2 or 3/);
    expect(() => kdLoss(teacher, student, { temperature: 0 })).toThrow("kdLoss: argument 'temperature' must be a finite number > 0, got 0");
    expect(() => kdLoss(teacher, student, { temperature: -1 })).toThrow(/temperature/);
    const empty = tf.zeros([0, 5, 7]);
    expect(() => kdLoss(empty, empty)).toThrow(/kdLoss: argument 'teacherLogits' is empty/);
    const m = tf.ones([2, 4]);
    expect(() => kdLoss(teacher, student, { mask: m })).toThrow("kdLoss: argument 'mask' has shape [2,4] but the data has [batch, time] = [2,5]");
    expect(() => kdLoss(teacher, student, { reduction: 'avg' as never })).toThrow(/kdLoss: argument 'reduction' must be one of/);
    expect(() => kdLoss(teacher, [1, 2] as never)).toThrow(/kdLoss: argument 'studentLogits' must be a tf.Tensor/);
    tf.dispose([r1, empty, m]);
  });
});

describe.each(BACKENDS)('kdMix [%s]', (backend) => {
  beforeAll(() => useBackend(backend));

  it('is alpha * soft + (1 - alpha) * hard', () => {
    expectClose(scalar(kdMix(tf.scalar(2), tf.scalar(10), 0.25)), 0.25 * 2 + 0.75 * 10);
    const [a, b] = [tf.scalar(1), tf.scalar(3)];
    expectNoLeak(() => kdMix(a, b, 0.5));
    tf.dispose([a, b]);
  });

  it('throws for alpha outside [0, 1] or non-scalars', () => {
    const s = tf.scalar(1);
    expect(() => kdMix(s, s, 1.5)).toThrow("kdMix: argument 'alpha' must be a number in [0, 1], got 1.5");
    const v = tf.zeros([2]);
    expect(() => kdMix(v, s, 0.5)).toThrow(/kdMix: argument 'softLoss' must have rank 0/);
    tf.dispose([s, v]);
  });
});
