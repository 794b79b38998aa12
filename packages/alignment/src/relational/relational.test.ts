import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionTransferLoss, ckaLoss, fspLoss, gramLoss, linearCka } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, golden, padMask, padTime, scalar, take, tf, useBackend } from '../../test/helpers.js';

describe.each(BACKENDS)('relational losses [%s]', (backend) => {
  let mask: tf.Tensor;
  const own: tf.Tensor[] = [];
  const t = (x: unknown) => {
    const y = T(x);
    own.push(y);
    return y;
  };
  beforeAll(async () => {
    await useBackend(backend);
    mask = t(golden.gram.mask);
  });
  afterAll(() => tf.dispose(own));

  describe('gramLoss', () => {
    const g = golden.gram;
    it('3D - masked - mean matches torch (student width 4, teacher width 6)', () => {
      expectClose(scalar(gramLoss(t(g.teacher), t(g.student), { mask })), g.loss);
    });
    it('padding never changes the loss; no leaks; gradient ok', () => {
      const [pt, ps, pm] = [padTime(t(g.teacher), 3), padTime(t(g.student), 3), padMask(mask, 3)];
      expectClose(scalar(gramLoss(pt, ps, { mask: pm })), g.loss);
      tf.dispose([pt, ps, pm]);
      const [teacher, student] = [t(g.teacher), t(g.student)];
      expectNoLeak(() => gramLoss(teacher, student, { mask }));
      expectGradMatches((s) => gramLoss(teacher, s, { mask }), student);
    });
    it('throws when time lengths differ', () => {
      const a = t([[[1, 2]], [[3, 4]]]);
      expect(() => gramLoss(t(g.teacher), a)).toThrow("gramLoss: argument 'teacher' has time 5 (shape [2,5,6]) but 'student' has 1 (shape [2,1,2])");
    });
  });

  describe('fspLoss', () => {
    const g = golden.fsp;
    it("matches torch; 'none' gives [batch]", () => {
      const args = [t(g.teacherA), t(g.teacherB), t(g.studentA), t(g.studentB)] as const;
      expectClose(scalar(fspLoss(...args, { mask })), g.loss);
      expectClose(take(fspLoss(...args, { mask, reduction: 'none' })), g.none);
      expectNoLeak(() => fspLoss(...args, { mask }));
      expectGradMatches((s) => fspLoss(args[0], args[1], s, args[3], { mask }), args[2]);
      const [pads, pm] = [args.map((a) => padTime(a, 2)), padMask(mask, 2)];
      expectClose(scalar(fspLoss(pads[0], pads[1], pads[2], pads[3], { mask: pm })), g.loss);
      tf.dispose([...pads, pm]);
    });
    it('throws when student and teacher FSP shapes differ', () => {
      expect(() => fspLoss(t(g.teacherA), t(g.teacherB), t(g.studentB), t(g.studentB))).toThrow(
        "fspLoss: argument 'teacherA' has shape [2,5,3] but 'studentA' has [2,5,4]",
      );
    });
  });

  describe('attentionTransferLoss', () => {
    const g = golden.attention;
    it('kl and mse match torch; differing head counts average heads', () => {
      expectClose(scalar(attentionTransferLoss(t(g.teacher), t(g.student), { mask })), g.kl);
      expectClose(scalar(attentionTransferLoss(t(g.teacher3), t(g.student), { mask })), g.kl_heads_differ);
      expectClose(scalar(attentionTransferLoss(t(g.teacher), t(g.student), { mask, kind: 'mse' })), g.mse);
    });
    it('padding never changes the loss (padded keys hold probability 0); no leaks; gradient ok', () => {
      const pad = (a: tf.Tensor) =>
        tf.tidy(() => tf.add(tf.pad(a, [[0, 0], [0, 0], [0, 3], [0, 3]]), tf.pad(tf.zeros([2, a.shape[1]!, 5, 8]), [[0, 0], [0, 0], [0, 3], [0, 0]], 0.3)));
      const [pt, ps, pm] = [pad(t(g.teacher)), pad(t(g.student)), padMask(mask, 3)];
      expectClose(scalar(attentionTransferLoss(pt, ps, { mask: pm })), g.kl);
      expectClose(scalar(attentionTransferLoss(pt, ps, { mask: pm, kind: 'mse' })), g.mse);
      tf.dispose([pt, ps, pm]);
      const [teacher, student] = [t(g.teacher), t(g.student)];
      expectNoLeak(() => attentionTransferLoss(teacher, student, { mask }));
      expectGradMatches((s) => attentionTransferLoss(teacher, s, { mask, kind: 'mse' }), student);
      expectGradMatches((s) => attentionTransferLoss(teacher, s, { mask }), student, 6, 1e-3);
    });
    it('throws for wrong rank and time mismatch', () => {
      expect(() => attentionTransferLoss(t(g.mask), t(g.student))).toThrow(
        "attentionTransferLoss: argument 'teacherAttn' must have rank 4 ([batch, heads, time, time]) but has shape [2,5]",
      );
      const small = t(tf.zeros([2, 2, 4, 4]).arraySync());
      expect(() => attentionTransferLoss(t(g.teacher), small)).toThrow(/attentionTransferLoss: argument 'teacherAttn' has time 5/);
    });
  });

  describe('ckaLoss / linearCka', () => {
    const g = golden.cka;
    it('matches torch per utterance and as 1 - mean CKA', () => {
      expectClose(take(linearCka(t(g.x), t(g.y), mask)), g.cka, 1e-4);
      expectClose(scalar(ckaLoss(t(g.y), t(g.x), { mask })), g.loss, 1e-4);
    });
    it('closed form: CKA(X, X Q s + c) = 1 for orthogonal Q, scale s and shift c', () => {
      const x = t(g.x);
      const q = tf.tidy(() => tf.linalg.gramSchmidt(tf.randomNormal([4, 4], 0, 1, 'float32', 5)) as tf.Tensor2D);
      const y = tf.tidy(() => tf.add(tf.mul(tf.reshape(tf.matMul(tf.reshape(x, [10, 4]), q), [2, 5, 4]), 3), 1.5));
      expectClose(take(linearCka(x, y, mask)), [1, 1], 1e-4);
      tf.dispose([q, y]);
    });
    it('padding never changes the loss; no leaks; gradient ok', () => {
      const [px, py, pm] = [padTime(t(g.x), 2), padTime(t(g.y), 2), padMask(mask, 2)];
      expectClose(scalar(ckaLoss(py, px, { mask: pm })), g.loss, 1e-4);
      tf.dispose([px, py, pm]);
      const [x, y] = [t(g.x), t(g.y)];
      expectNoLeak(() => ckaLoss(y, x, { mask }));
      expectGradMatches((s) => ckaLoss(y, s, { mask }), x);
    });
  });
});
