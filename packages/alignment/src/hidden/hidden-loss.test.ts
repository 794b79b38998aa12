import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_LOSS_KINDS, cosineLoss, hiddenLoss, l1Loss, logSigmoidCosineLoss, mseLoss } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, golden, padMask, padTime, scalar, tf, useBackend } from '../../test/helpers.js';

const g = golden.hidden;

describe.each(BACKENDS)('hidden-state losses [%s]', (backend) => {
  let teacher: tf.Tensor, student: tf.Tensor, mask: tf.Tensor;
  beforeAll(async () => {
    await useBackend(backend);
    [teacher, student, mask] = [T(g.teacher), T(g.student), T(g.mask)];
  });
  afterAll(() => tf.dispose([teacher, student, mask]));

  it.each(HIDDEN_LOSS_KINDS)('3D - masked - mean - %s matches torch', (kind) => {
    expectClose(scalar(hiddenLoss(kind, teacher, student, { mask })), g[kind]);
  });

  it('named functions equal the dispatcher', () => {
    expectClose(scalar(l1Loss(teacher, student, { mask })), g.l1);
    expectClose(scalar(mseLoss(teacher, student, { mask })), g.mse);
    expectClose(scalar(cosineLoss(teacher, student, { mask })), g.cosine);
    expectClose(scalar(logSigmoidCosineLoss(teacher, student, { mask })), g['log-sigmoid-cosine']);
  });

  it('2D - [batch, dim] - one vector per item', () => {
    const [t2, s2] = [tf.gather(teacher, 0, 1), tf.gather(student, 0, 1)];
    expectClose(scalar(l1Loss(t2, s2)), g.itemwise_l1);
    expect(mseLoss(t2, s2, { reduction: 'none' }).shape).toEqual([2]);
    tf.dispose([t2, s2]);
  });

  it('closed form: identical inputs give 0, -log sigmoid(1) for log-sigmoid-cosine', () => {
    expectClose(scalar(l1Loss(teacher, teacher)), 0);
    expectClose(scalar(cosineLoss(teacher, teacher)), 0, 1e-5);
    expectClose(scalar(logSigmoidCosineLoss(teacher, teacher)), Math.log(1 + Math.exp(-1)));
  });

  it.each(HIDDEN_LOSS_KINDS)('padding never changes the loss - %s', (kind) => {
    const [pt, ps, pm] = [padTime(teacher, 4), padTime(student, 4), padMask(mask, 4)];
    expectClose(scalar(hiddenLoss(kind, pt, ps, { mask: pm })), g[kind]);
    tf.dispose([pt, ps, pm]);
  });

  it.each(HIDDEN_LOSS_KINDS)('gradient matches finite differences - %s', (kind) => {
    expectGradMatches((s) => hiddenLoss(kind, teacher, s, { mask }), student);
  });

  it.each(HIDDEN_LOSS_KINDS)('leaks no tensors - %s', (kind) => {
    expectNoLeak(() => hiddenLoss(kind, teacher, student, { mask }));
  });

  it('throws for mismatched shapes, ranks, unknown kinds, empty batch', () => {
    const wide = tf.zeros([2, 5, 7]);
    expect(() => l1Loss(teacher, wide)).toThrow("l1Loss: argument 'teacher' has shape [2,5,6] but 'student' has [2,5,7]");
    const r4 = tf.zeros([1, 2, 5, 6]);
    expect(() => cosineLoss(r4, r4)).toThrow(/cosineLoss: argument 'teacher' must have rank 2 or 3/);
    expect(() => hiddenLoss('l3' as never, teacher, student)).toThrow(/hiddenLoss: argument 'kind' must be one of 'l1'/);
    const empty = tf.zeros([0, 6]);
    expect(() => mseLoss(empty, empty)).toThrow(/mseLoss: argument 'teacher' is empty/);
    tf.dispose([wide, r4, empty]);
  });
});
