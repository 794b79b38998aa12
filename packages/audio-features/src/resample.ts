import { ResampleError } from './errors.js';

/** Quality knobs of `resample`; the defaults give ~72 dB stopband attenuation and pass up to 0.43 of the lower rate. */
export interface ResampleOptions {
  /** Filter half-length in zero crossings of the lower rate (32). */
  halfWidth?: number;
  /** Kaiser window beta (7.0, about 72 dB stopband). */
  beta?: number;
}

/** Zeroth-order modified Bessel function of the first kind (series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

const MAX_TABLE = 1 << 21;

/**
 * Band-limited resampling of mono `samples` from `fromRate` to `toRate` (integer Hz): a Kaiser-windowed
 * sinc low-pass at the lower Nyquist with the transition band placed just below it, evaluated as a
 * polyphase filter bank (one phase per output offset of the reduced ratio L/M). Output length is
 * ceil(n * toRate / fromRate); samples outside the input count as zero.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  for (const [name, rate] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (!Number.isInteger(rate) || rate <= 0) throw new ResampleError(`resample: ${name} must be a positive integer (Hz), got ${rate}`);
  }
  const halfWidth = options.halfWidth ?? 32;
  const beta = options.beta ?? 7.0;
  if (!(halfWidth >= 1) || !(beta >= 0)) throw new ResampleError(`resample: halfWidth must be >= 1 and beta >= 0, got ${halfWidth}, ${beta}`);
  const n = samples.length;
  if (fromRate === toRate) return samples.slice();
  const g = gcd(fromRate, toRate);
  const L = toRate / g; // output steps per M input samples
  const M = fromRate / g;
  const outLength = Math.ceil((n * L) / M);
  const out = new Float32Array(outLength);
  if (n === 0) return out;
  const lower = Math.min(fromRate, toRate);
  // Kaiser design: transition width (A - 7.95) / (14.36 * duration); stopband starts at lower/2.
  const attenuation = beta / 0.1102 + 8.7;
  const transition = ((attenuation - 7.95) / (14.36 * ((2 * halfWidth) / lower))) / lower; // fraction of `lower`
  const cutoff = Math.max(0.05, 0.5 - transition / 2) * lower; // Hz
  const bw = (2 * cutoff) / fromRate; // sinc bandwidth in input-sample units
  const T = (halfWidth * fromRate) / lower; // filter half-length in input samples
  const K = Math.ceil(T);
  const taps = 2 * K;
  const i0Beta = besselI0(beta);
  const coef = (tau: number): number => {
    const x = tau / T;
    if (x <= -1 || x >= 1) return 0;
    const s = tau === 0 ? 1 : Math.sin(Math.PI * bw * tau) / (Math.PI * bw * tau);
    return bw * s * (besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta);
  };
  // Phase p (output position frac p/L past input index i0) uses inputs i0-K+1 .. i0+K.
  const fillPhase = (frac: number, dst: Float64Array, offset: number): void => {
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const c = coef(frac + K - 1 - j);
      dst[offset + j] = c;
      sum += c;
    }
    // Unit DC gain per phase (removes the small ripple of the sampled sinc's sum).
    for (let j = 0; j < taps; j++) dst[offset + j] /= sum;
  };
  const useTable = L * taps <= MAX_TABLE;
  const table = new Float64Array(useTable ? L * taps : taps);
  if (useTable) for (let p = 0; p < L; p++) fillPhase(p / L, table, p * taps);
  for (let o = 0; o < outLength; o++) {
    const pos = o * M;
    const i0 = Math.floor(pos / L);
    const p = pos - i0 * L;
    let base = 0;
    if (useTable) base = p * taps;
    else fillPhase(p / L, table, 0);
    const first = i0 - K + 1;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      // taps is even: two accumulators halve the dependency chain.
      let acc2 = 0;
      for (let j = 0; j < taps; j += 2) {
        acc += table[base + j] * samples[first + j];
        acc2 += table[base + j + 1] * samples[first + j + 1];
      }
      acc += acc2;
    } else {
      const jStart = Math.max(0, -first);
      const jEnd = Math.min(taps, n - first);
      for (let j = jStart; j < jEnd; j++) acc += table[base + j] * samples[first + j];
    }
    out[o] = acc;
  }
  return out;
}
