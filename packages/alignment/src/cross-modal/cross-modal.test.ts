import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alignmentPool,
  alignmentPoolLoss,
  alignmentTensor,
  attentionAlignLoss,
  createAttentionAligner,
  ctcPathToAlignment,
  infoNceLoss,
  lengthsToMask,
  maskToLengths,
  pooledMatchLoss,
  resampleTime,
} from '../index.js';
import type { AttentionAligner } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, flat, golden, padMask, padTime, scalar, take, tf, useBackend } from '../../test/helpers.js';

describe('ctcPathToAlignment', () => {
  it('gives each emitted label a token index, repeats share it, blanks get -1', () => {
    // path: _ a a _ a b b _   (blank = 0) → tokens a, a, b
    expect(Array.from(ctcPathToAlignment([0, 1, 1, 0, 1, 2, 2, 0]))).toEqual([-1, 0, 0, -1, 1, 2, 2, -1]);
    expect(Array.from(ctcPathToAlignment([3, 3, 4], 3))).toEqual([-1, -1, 0]);
  });
});

describe.each(BACKENDS)('cross-modal alignment [%s]', (backend) => {
  const own: tf.Tensor[] = [];
  const t = (x: unknown, dtype: 'float32' | 'int32' = 'float32') => {
    const y = T(x, dtype);
    own.push(y);
    return y;
  };
  beforeAll(() => useBackend(backend));
  afterAll(() => tf.dispose(own));

  describe('resampleTime', () => {
    const g = golden.resample;
    it('matches torch linear interpolation per utterance (down- and up-sampling)', () => {
      const y = resampleTime(t(g.x), t(g.inMask), t(g.outMask));
      expect(y.shape).toEqual([2, 5, 3]);
      expectClose(take(y), flat(g.y));
    });
    it('closed form: equal lengths are the identity; padding of the input is ignored', () => {
      const x = t(g.x);
      const m = t(g.inMask);
      expectClose(take(resampleTime(x, m, m)), take(tf.mul(x, tf.expandDims(m, 2))));
      const [px, pm] = [padTime(x, 2), padMask(m, 2)];
      expectClose(take(resampleTime(px, pm, t(g.outMask))), flat(g.y));
      tf.dispose([px, pm]);
    });
    it('no leaks; gradient ok; errors name the argument', () => {
      const [x, im, om] = [t(g.x), t(g.inMask), t(g.outMask)];
      expectNoLeak(() => resampleTime(x, im, om));
      expectGradMatches((v) => tf.sum(tf.square(resampleTime(v, im, om))), x);
      expect(() => resampleTime(im, im, om)).toThrow("resampleTime: argument 'x' must have rank 3 ([batch, inTime, dim]) but has shape [2,6]");
      const om3 = t([[1, 1]]);
      expect(() => resampleTime(x, im, om3)).toThrow("resampleTime: argument 'outMask' has batch 1 but 'x' has 2");
    });
  });

  describe('pooledMatchLoss', () => {
    const g = golden.pooled;
    it('matches torch; padding never changes it; no leaks; gradient ok', () => {
      const [tx, tm, sp, sm] = [t(g.text), t(g.textMask), t(g.speech), t(g.speechMask)];
      expectClose(scalar(pooledMatchLoss(tx, tm, sp, sm)), g.cosine);
      const [ps, pm] = [padTime(sp, 3), padMask(sm, 3)];
      expectClose(scalar(pooledMatchLoss(tx, tm, ps, pm)), g.cosine);
      tf.dispose([ps, pm]);
      expectNoLeak(() => pooledMatchLoss(tx, tm, sp, sm));
      expectGradMatches((s) => pooledMatchLoss(tx, tm, s, sm), sp);
      const narrow = t(tf.zeros([2, 5, 4]).arraySync());
      expect(() => pooledMatchLoss(tx, tm, narrow, sm)).toThrow("pooledMatchLoss: argument 'teacher' has dim 6 (shape [2,4,6]) but 'student' has 4 (shape [2,5,4])");
    });
  });

  describe('infoNceLoss', () => {
    const g = golden.infonce;
    it('symmetric and one-way match torch cross-entropy', () => {
      const [te, se] = [t(g.text), t(g.speech)];
      expectClose(scalar(infoNceLoss(te, se, { temperature: g.temperature })), g.symmetric);
      expectClose(scalar(infoNceLoss(te, se, { temperature: g.temperature, symmetric: false })), g.oneway);
      const tau = tf.scalar(g.temperature);
      expectClose(scalar(infoNceLoss(te, se, { temperature: tau })), g.symmetric);
      tau.dispose();
    });
    it('closed form: batch of one gives 0; no leaks; gradient ok; bad input', () => {
      const one = t([[1, 2, 3]]);
      expectClose(scalar(infoNceLoss(one, one)), 0);
      const [te, se] = [t(g.text), t(g.speech)];
      expectNoLeak(() => infoNceLoss(te, se));
      expectGradMatches((s) => infoNceLoss(te, s, { temperature: 0.5 }), se);
      expect(() => infoNceLoss(te, se, { temperature: 0 })).toThrow("infoNceLoss: argument 'temperature' must be a finite number > 0, got 0");
      const e2 = tf.zeros([0, 6]);
      expect(() => infoNceLoss(e2, e2)).toThrow(/infoNceLoss: argument 'speechEmb' is empty/);
      e2.dispose();
    });
  });

  describe('alignmentPool / alignmentPoolLoss', () => {
    const g = golden.alignpool;
    it('averages frames per token and matches torch', () => {
      const { pooled, tokenMask } = alignmentPool(t(g.frames), t(g.alignment, 'int32'), 3);
      expectClose(take(pooled), flat(g.pooled));
      expect(take(tokenMask)).toEqual([1, 1, 1, 1, 1, 0]);
      expectClose(scalar(alignmentPoolLoss(t(g.tokens), t(g.tokenMask), t(g.frames), t(g.alignment, 'int32'))), g.cosine);
    });
    it('padding (alignment -1) never changes the loss; no leaks; gradient ok', () => {
      const [tok, tm, fr, al] = [t(g.tokens), t(g.tokenMask), t(g.frames), t(g.alignment, 'int32')];
      const pf = padTime(fr, 3);
      const pa = alignmentTensor(g.alignment, 9);
      expectClose(scalar(alignmentPoolLoss(tok, tm, pf, pa)), g.cosine);
      tf.dispose([pf, pa]);
      expectNoLeak(() => alignmentPoolLoss(tok, tm, fr, al));
      expectGradMatches((f) => alignmentPoolLoss(tok, tm, f, al, { loss: 'mse' }), fr);
    });
    it('throws for a float alignment or frame-count mismatch', () => {
      const fr = t(g.frames);
      expect(() => alignmentPool(fr, t(g.alignment), 3)).toThrow("alignmentPool: argument 'alignment' must have dtype int32 but has float32");
      const short = t([[0, 1], [0, 1]], 'int32');
      expect(() => alignmentPool(fr, short, 3)).toThrow("alignmentPool: argument 'alignment' has frame count 2 (shape [2,2]) but 'frames' has 6 (shape [2,6,4])");
    });
  });

  describe('attention aligner', () => {
    const g = golden.aligner;
    let aligner: AttentionAligner;
    beforeAll(() => {
      aligner = createAttentionAligner(4, 6, { attnDim: 3 });
      aligner.speechKernel.assign(t(g.speechKernel) as tf.Tensor2D);
      aligner.textKernel.assign(t(g.textKernel) as tf.Tensor2D);
      aligner.valueKernel.assign(t(g.valueKernel) as tf.Tensor2D);
      aligner.valueBias.assign(t(g.valueBias) as tf.Tensor1D);
    });
    afterAll(() => aligner.dispose());

    it('tokens-to-frames and frames-to-tokens match torch', () => {
      const [tx, tm, sp, sm] = [t(g.text), t(g.textMask), t(g.speech), t(g.speechMask)];
      expectClose(scalar(attentionAlignLoss(aligner, tx, tm, sp, sm)), g.tokensToFrames);
      expectClose(scalar(attentionAlignLoss(aligner, tx, tm, sp, sm, { direction: 'frames-to-tokens' })), g.framesToTokens);
    });
    it('padding never changes the loss; no leaks; gradients reach speech and aligner variables', () => {
      const [tx, tm, sp, sm] = [t(g.text), t(g.textMask), t(g.speech), t(g.speechMask)];
      const [ps, pm] = [padTime(sp, 2), padMask(sm, 2)];
      expectClose(scalar(attentionAlignLoss(aligner, tx, tm, ps, pm)), g.tokensToFrames);
      expectClose(scalar(attentionAlignLoss(aligner, tx, tm, ps, pm, { direction: 'frames-to-tokens' })), g.framesToTokens);
      tf.dispose([ps, pm]);
      expectNoLeak(() => attentionAlignLoss(aligner, tx, tm, sp, sm));
      expectNoLeak(() => aligner.align(tx, tm, sp, sm, 'frames-to-tokens'));
      expectGradMatches((s) => attentionAlignLoss(aligner, tx, tm, s, sm, { loss: 'mse' }), sp);
      const { value, grads } = tf.variableGrads(() => attentionAlignLoss(aligner, tx, tm, sp, sm) as tf.Scalar, aligner.variables);
      expect(Object.keys(grads).length).toBe(4);
      tf.dispose([value, ...Object.values(grads)]);
    });
    it('throws for a wrong width or direction', () => {
      const [tx, sp] = [t(g.text), t(g.speech)];
      expect(() => aligner.align(sp, undefined, sp, undefined)).toThrow("AttentionAligner.align: argument 'text' must have last dim 6 but has shape [2,5,4]");
      expect(() => aligner.align(tx, undefined, sp, undefined, 'sideways' as never)).toThrow(/argument 'direction' must be one of/);
    });
  });

  it('lengthsToMask builds [batch, maxLen] from numbers or a tensor', () => {
    expect(take(lengthsToMask([2, 0, 3], 3))).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 1]);
    const m = lengthsToMask([2, 0, 3], 3);
    expect(take(maskToLengths(m))).toEqual([2, 0, 3]);
    m.dispose();
    const lens = t([1, 2], 'int32');
    expect(take(lengthsToMask(lens as tf.Tensor1D, 2))).toEqual([1, 0, 1, 1]);
    expect(() => lengthsToMask([4], 3)).toThrow("lengthsToMask: argument 'lengths' [0] = 4 must be an integer in [0, maxLen=3]");
  });
});
