import { describe, expect, it } from 'vitest';
import { learningRate } from './schedule.js';

const base = { lr: 1e-3, warmupSteps: 10, minLr: 1e-5, steps: 110 };

describe('learningRate', () => {
  it('warms up linearly, then follows the decay', () => {
    expect(learningRate(0, { ...base, decay: 'constant' })).toBeCloseTo(1e-4);
    expect(learningRate(9, { ...base, decay: 'constant' })).toBeCloseTo(1e-3);
    expect(learningRate(99, { ...base, decay: 'constant' })).toBeCloseTo(1e-3);
    expect(learningRate(39, { ...base, decay: 'inverse-sqrt' })).toBeCloseTo(1e-3 * Math.sqrt(10 / 40));
    expect(learningRate(59, { ...base, decay: 'cosine' })).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5));
    expect(learningRate(109, { ...base, decay: 'cosine' })).toBeCloseTo(1e-5);
  });

  it('linear decay holds the peak until decayStart, then falls to minLr at the last step', () => {
    const cfg = { ...base, decay: 'linear' as const, decayStart: 60 };
    expect(learningRate(59, cfg)).toBeCloseTo(1e-3); // step 60 (1-based) is the last at the peak
    expect(learningRate(84, cfg)).toBeCloseTo(1e-3 + (1e-5 - 1e-3) * 0.5);
    expect(learningRate(109, cfg)).toBeCloseTo(1e-5);
    // Without decayStart the decay begins after warm-up; cosine honours decayStart too.
    expect(learningRate(59, { ...base, decay: 'linear' })).toBeCloseTo(1e-3 + (1e-5 - 1e-3) * 0.5);
    expect(learningRate(59, { ...base, decay: 'cosine', decayStart: 60 })).toBeCloseTo(1e-3);
  });
});
