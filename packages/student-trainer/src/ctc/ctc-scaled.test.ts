import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@speechkd/random';
import { extendLabels, minimumFrames } from './ctc-labels.js';
import { ctcLogAlpha, ctcLogGradient } from './ctc-log-reference.js';
import { ctcAlpha, ctcGradient, splitLogProb, ZERO_LEVEL } from './ctc-scaled.js';

/** Log-softmax rows [frames, vocab] of random logits times `scale`, computed in float64 then stored as float32. */
function randomLogProbs(r: () => number, frames: number, vocab: number, scale: number): Float32Array {
  const lp = new Float32Array(frames * vocab);
  const row = new Float64Array(vocab);
  for (let t = 0; t < frames; t++) {
    let max = -Infinity;
    for (let v = 0; v < vocab; v++) {
      row[v] = (r() + r() + r() - 1.5) * scale;
      max = Math.max(max, row[v]);
    }
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(row[v] - max);
    for (let v = 0; v < vocab; v++) lp[t * vocab + v] = row[v] - max - Math.log(sum);
  }
  return lp;
}

function compare(lp: Float32Array, frames: number, vocab: number, labels: Int32Array): { logLik: number } {
  const ext = new Int32Array(2 * labels.length + 3);
  const skip = new Uint8Array(2 * labels.length + 3);
  const states = extendLabels(labels, 0, labels.length, 0, ext, skip);
  const probs = new Float64Array(lp.length);
  const probLevels = new Int32Array(lp.length);
  const split = { m: 0, k: 0 };
  lp.forEach((x, i) => {
    splitLogProb(x, split);
    probs[i] = split.m;
    probLevels[i] = split.k;
  });
  const alphaRef = new Float64Array(frames * states);
  const refLogLik = ctcLogAlpha(lp, 0, vocab, frames, ext, skip, states, alphaRef, 0);
  const alpha = new Float64Array(frames * states);
  const alphaLevels = new Int32Array(frames * states).fill(ZERO_LEVEL);
  const scales = new Float64Array(frames);
  const u = { lp, probs, probLevels, base: 0, vocab, frames, ext, skip, states };
  const logLik = ctcAlpha(u, alpha, alphaLevels, 0, scales, 0);
  expect(Math.abs(logLik - refLogLik)).toBeLessThanOrEqual(1e-9 * Math.abs(refLogLik) + 1e-9);
  const gradRef = new Float32Array(frames * vocab);
  const grad = new Float32Array(frames * vocab);
  ctcLogGradient(lp, 0, vocab, frames, ext, skip, states, alphaRef, 0, refLogLik, 1, gradRef, 0);
  ctcGradient(u, alpha, alphaLevels, 0, scales, 0, logLik, 1, grad, 0);
  let worst = 0;
  for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - gradRef[i]));
  expect(worst).toBeLessThan(1e-6);
  return { logLik };
}

describe('extended-range recursion vs the plain log-space reference', () => {
  for (const scale of [1, 10, 100, 1000]) {
    it(`random logits x${scale} - repeats and uneven lengths`, () => {
      const r = mulberry32(scale);
      for (let trial = 0; trial < 6; trial++) {
        const vocab = 3 + Math.floor(r() * 6);
        const labelLength = 1 + Math.floor(r() * 12);
        // Few classes make repeated neighbours common.
        const labels = Int32Array.from({ length: labelLength }, () => 1 + Math.floor(r() * (vocab - 1)));
        const frames = minimumFrames(labels, 0, labelLength) + Math.floor(r() * 30);
        compare(randomLogProbs(r, frames, vocab, scale), frames, vocab, labels);
      }
    });
  }

  it('paths that fall 1000 nats behind mid-way and later dominate are kept', () => {
    // Frames 0-29 favour class 2 over 1 by ~800 nats, frames 30-59 favour 1, then 2 again: the likely prefix
    // (early "2") becomes impossible, so the total comes from paths that were far below the frame maximum.
    const vocab = 3;
    const frames = 90;
    const lp = new Float32Array(frames * vocab);
    for (let t = 0; t < frames; t++) {
      const fav = t < 30 ? 2 : t < 60 ? 1 : 2;
      for (let v = 0; v < vocab; v++) lp[t * vocab + v] = v === fav ? 0 : v === 0 ? -20 : -800;
    }
    const { logLik } = compare(lp, frames, vocab, Int32Array.from([1, 2]));
    expect(logLik).toBeLessThan(-20);
  });
});
