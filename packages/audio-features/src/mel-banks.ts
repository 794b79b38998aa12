/** Kaldi's mel scale: 1127 ln(1 + f/700). */
export function melScale(freq: number): number {
  return 1127.0 * Math.log(1.0 + freq / 700.0);
}

/** Inverse of `melScale`. */
export function inverseMelScale(mel: number): number {
  return 700.0 * (Math.exp(mel / 1127.0) - 1.0);
}

/** VTLN piecewise-linear frequency warp (Kaldi's `VtlnWarpFreq`), identity outside [lowFreq, highFreq]. */
export function vtlnWarpFreq(vtlnLow: number, vtlnHigh: number, lowFreq: number, highFreq: number, warp: number, freq: number): number {
  if (freq < lowFreq || freq > highFreq) return freq;
  const l = vtlnLow * Math.max(1, warp);
  const h = vtlnHigh * Math.min(1, warp);
  const scale = 1 / warp;
  if (freq < l) return lowFreq + ((scale * l - lowFreq) / (l - lowFreq)) * (freq - lowFreq);
  if (freq < h) return scale * freq;
  return highFreq + ((highFreq - scale * h) / (highFreq - h)) * (freq - highFreq);
}

/** Sparse triangular mel filters over FFT bins: filter b covers bins [start[b], start[b] + weights[b].length). */
export interface MelBanks {
  numBins: number;
  start: Int32Array;
  weights: Float64Array[];
  /** Center frequency of each filter in Hz. */
  centerFreqs: Float64Array;
}

/**
 * Mel filterbank as in torchaudio.compliance.kaldi.get_mel_banks for a `paddedWindowSize`-point FFT;
 * `highFreq` must already be resolved (> 0). The Nyquist bin always gets weight 0.
 */
export function melBanks(
  numBins: number,
  paddedWindowSize: number,
  sampleFreq: number,
  lowFreq: number,
  highFreq: number,
  vtlnLow: number,
  vtlnHigh: number,
  vtlnWarp: number,
): MelBanks {
  // Filter edges and FFT-bin mels are rounded to float32 at each step, as torchaudio computes them,
  // so weights agree with it to the last bit in the common (non-VTLN) case.
  const f32 = Math.fround;
  const melF32 = (freq: number): number => f32(1127.0 * f32(Math.log(f32(1.0 + f32(freq / 700.0)))));
  const invMelF32 = (mel: number): number => f32(700.0 * f32(f32(Math.exp(f32(mel / 1127.0))) - 1.0));
  const numFftBins = paddedWindowSize >> 1;
  const nyquist = 0.5 * sampleFreq;
  const fftBinWidth = sampleFreq / paddedWindowSize;
  const melLow = melScale(lowFreq);
  const melHigh = melScale(highFreq);
  const delta = (melHigh - melLow) / (numBins + 1);
  const vHigh = vtlnHigh < 0 ? vtlnHigh + nyquist : vtlnHigh;
  const warpMel = (mel: number): number =>
    vtlnWarp === 1 ? mel : melF32(f32(vtlnWarpFreq(vtlnLow, vHigh, lowFreq, highFreq, vtlnWarp, invMelF32(mel))));
  const fftMel = new Float64Array(numFftBins);
  for (let k = 0; k < numFftBins; k++) fftMel[k] = melF32(f32(f32(fftBinWidth) * k));
  const edge = (i: number): number => warpMel(f32(f32(melLow) + f32(i * f32(delta))));
  const start = new Int32Array(numBins);
  const weights: Float64Array[] = [];
  const centerFreqs = new Float64Array(numBins);
  const row = new Float64Array(numFftBins);
  for (let b = 0; b < numBins; b++) {
    const left = edge(b);
    const center = edge(b + 1);
    const right = edge(b + 2);
    centerFreqs[b] = inverseMelScale(center);
    let first = -1;
    let last = -1;
    for (let k = 0; k < numFftBins; k++) {
      const mel = fftMel[k];
      const up = f32(f32(mel - left) / f32(center - left));
      const down = f32(f32(right - mel) / f32(right - center));
      let w: number;
      if (vtlnWarp === 1) w = Math.max(0, Math.min(up, down));
      else w = mel > left && mel <= center ? up : mel > center && mel < right ? down : 0;
      row[k] = w;
      if (w !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) {
      start[b] = 0;
      weights.push(new Float64Array(0));
    } else {
      start[b] = first;
      weights.push(row.slice(first, last + 1));
    }
  }
  return { numBins, start, weights, centerFreqs };
}
