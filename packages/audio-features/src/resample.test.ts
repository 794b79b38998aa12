import { describe, expect, it } from 'vitest';
import { ResampleError } from './errors.js';
import { resample } from './resample.js';

function tone(freq: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** Amplitude of the `freq` component (least-squares fit of sin/cos) over the middle of `x`. */
function amplitudeAt(x: Float32Array, freq: number, rate: number): number {
  const from = Math.floor(x.length * 0.2);
  const to = Math.floor(x.length * 0.8);
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    s += x[i] * Math.sin((2 * Math.PI * freq * i) / rate);
    c += x[i] * Math.cos((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(s, c)) / (to - from);
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('resample', () => {
  it('16k -> 8k: a 5 kHz tone (above the new Nyquist) is attenuated >= 60 dB, 1 kHz preserved', () => {
    const alias = resample(tone(5000, 16000, 1), 16000, 8000);
    expect(alias.length).toBe(8000);
    // 5 kHz folds to 3 kHz at 8 kHz; measure everything there and the RMS overall.
    expect(db(amplitudeAt(alias, 3000, 8000) / 0.5)).toBeLessThan(-60);
    let rms = 0;
    for (let i = 1000; i < 7000; i++) rms += alias[i] * alias[i];
    expect(db(Math.sqrt(rms / 6000) / (0.5 / Math.SQRT2))).toBeLessThan(-60);
    const kept = resample(tone(1000, 16000, 1), 16000, 8000);
    expect(Math.abs(db(amplitudeAt(kept, 1000, 8000) / 0.5))).toBeLessThan(0.05);
  });

  it('44.1k -> 16k: 9 kHz tone rejected >= 60 dB, 3 kHz preserved', () => {
    const alias = resample(tone(9000, 44100, 0.5), 44100, 16000);
    expect(alias.length).toBe(8000);
    expect(db(amplitudeAt(alias, 7000, 16000) / 0.5)).toBeLessThan(-60);
    expect(Math.abs(db(amplitudeAt(resample(tone(3000, 44100, 0.5), 44100, 16000), 3000, 16000) / 0.5))).toBeLessThan(0.05);
  });

  it('8k -> 16k: no image of a 1 kHz tone at 7 kHz (>= 60 dB down), tone preserved', () => {
    const up = resample(tone(1000, 8000, 1), 8000, 16000);
    expect(up.length).toBe(16000);
    expect(Math.abs(db(amplitudeAt(up, 1000, 16000) / 0.5))).toBeLessThan(0.05);
    expect(db(amplitudeAt(up, 7000, 16000) / 0.5)).toBeLessThan(-60);
  });

  it('same rate returns a copy; coprime rates use the on-the-fly path and agree with the table path', () => {
    const x = tone(440, 16000, 0.1);
    const same = resample(x, 16000, 16000);
    expect(same).toEqual(x);
    expect(same).not.toBe(x);
    const odd = resample(x, 16000, 15991);
    expect(odd.length).toBe(Math.ceil((x.length * 15991) / 16000));
    expect(Math.abs(db(amplitudeAt(odd, 440, 15991) / 0.5))).toBeLessThan(0.05);
  });

  it('handles empty input and rejects bad rates', () => {
    expect(resample(new Float32Array(0), 16000, 8000).length).toBe(0);
    expect(() => resample(new Float32Array(4), 0, 8000)).toThrow(ResampleError);
    expect(() => resample(new Float32Array(4), 16000, 8000.5)).toThrow(/toRate must be a positive integer/);
  });
});
