import { ComplexFft } from './complex-fft.js';

/**
 * DFT of a real signal of any size n >= 2, returning bins 0..floor(n/2). Power-of-two sizes use a
 * half-size complex FFT plus the split (packing) step; other sizes use Bluestein's chirp-z
 * algorithm over a power-of-two FFT. Buffers are allocated once; calls allocate nothing.
 */
export class RealFft {
  /** Transform size. */
  readonly n: number;
  /** Number of output bins, floor(n/2) + 1. */
  readonly numBins: number;
  private readonly fft: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly twr: Float64Array;
  private readonly twi: Float64Array;
  // Bluestein: chirp w[j] = e^{iπ j²/n} and the FFT of the chirp filter.
  private readonly chirpRe?: Float64Array;
  private readonly chirpIm?: Float64Array;
  private readonly filtRe?: Float64Array;
  private readonly filtIm?: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`RealFft size must be an integer >= 2, got ${n}`);
    this.n = n;
    this.numBins = (n >> 1) + 1;
    if ((n & (n - 1)) === 0) {
      const m = n >> 1;
      this.fft = new ComplexFft(m);
      this.re = new Float64Array(m);
      this.im = new Float64Array(m);
      this.twr = new Float64Array(m + 1);
      this.twi = new Float64Array(m + 1);
      for (let k = 0; k <= m; k++) {
        this.twr[k] = Math.cos((2 * Math.PI * k) / n);
        this.twi[k] = -Math.sin((2 * Math.PI * k) / n);
      }
      return;
    }
    let size = 1;
    while (size < 2 * n - 1) size <<= 1;
    this.fft = new ComplexFft(size);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.twr = new Float64Array(0);
    this.twi = new Float64Array(0);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const angle = (Math.PI * ((j * j) % (2 * n))) / n;
      this.chirpRe[j] = Math.cos(angle);
      this.chirpIm[j] = Math.sin(angle);
    }
    this.filtRe = new Float64Array(size);
    this.filtIm = new Float64Array(size);
    for (let j = 0; j < n; j++) {
      this.filtRe[j] = this.chirpRe[j];
      this.filtIm[j] = this.chirpIm[j];
      if (j > 0) {
        this.filtRe[size - j] = this.chirpRe[j];
        this.filtIm[size - j] = this.chirpIm[j];
      }
    }
    this.fft.transform(this.filtRe, this.filtIm);
  }

  /** Writes Re/Im of bins 0..floor(n/2) of `input` (length >= n; only the first n are read). */
  forward(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    if (this.chirpRe) {
      this.bluestein(input, outRe, outIm);
      return;
    }
    const m = this.n >> 1;
    const re = this.re;
    const im = this.im;
    this.transformPairs(input);
    const twr = this.twr;
    const twi = this.twi;
    // Split step: X[k] = E[k] + W^k O[k] with E, O the spectra of even/odd samples.
    outRe[0] = re[0] + im[0];
    outIm[0] = 0;
    outRe[m] = re[0] - im[0];
    outIm[m] = 0;
    for (let k = 1; k < m; k++) {
      const a = re[k], b = im[k], c = re[m - k], d = im[m - k];
      const er = 0.5 * (a + c), ei = 0.5 * (b - d);
      const or = 0.5 * (b + d), oi = -0.5 * (a - c);
      const wr = twr[k], wi = twi[k];
      outRe[k] = er + wr * or - wi * oi;
      outIm[k] = ei + wr * oi + wi * or;
    }
  }

  /** Writes |X[k]|² (or |X[k]| when `magnitude`) for bins 0..floor(n/2). */
  power(input: Float64Array, out: Float64Array, magnitude = false): void {
    if (this.chirpRe) {
      this.bluestein(input, out, this.im);
      const im = this.im;
      for (let k = 0; k < this.numBins; k++) {
        const p = out[k] * out[k] + im[k] * im[k];
        out[k] = magnitude ? Math.sqrt(p) : p;
      }
      return;
    }
    const m = this.n >> 1;
    const re = this.re;
    const im = this.im;
    this.transformPairs(input);
    const twr = this.twr;
    const twi = this.twi;
    const dc = re[0] + im[0];
    const ny = re[0] - im[0];
    out[0] = magnitude ? Math.abs(dc) : dc * dc;
    out[m] = magnitude ? Math.abs(ny) : ny * ny;
    for (let k = 1; k < m; k++) {
      const a = re[k], b = im[k], c = re[m - k], d = im[m - k];
      const or = 0.5 * (b + d), oi = -0.5 * (a - c);
      const wr = twr[k], wi = twi[k];
      const xr = 0.5 * (a + c) + wr * or - wi * oi;
      const xi = 0.5 * (b - d) + wr * oi + wi * or;
      const p = xr * xr + xi * xi;
      out[k] = magnitude ? Math.sqrt(p) : p;
    }
  }

  /** The n/2-point complex FFT of z[j] = input[2j] + i*input[2j+1], left in `re`/`im` (the even-n path). */
  private transformPairs(input: Float64Array): void {
    const m = this.n >> 1;
    const re = this.re;
    const im = this.im;
    const rev = this.fft.rev;
    for (let j = 0; j < m; j++) {
      const r = rev[j];
      re[r] = input[2 * j];
      im[r] = input[2 * j + 1];
    }
    this.fft.transformBitReversed(re, im);
  }

  private bluestein(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    const re = this.re;
    const im = this.im;
    const cr = this.chirpRe!, ci = this.chirpIm!, fr = this.filtRe!, fi = this.filtIm!;
    const size = re.length;
    for (let j = 0; j < n; j++) {
      re[j] = input[j] * cr[j];
      im[j] = -input[j] * ci[j];
    }
    re.fill(0, n);
    im.fill(0, n);
    this.fft.transform(re, im);
    // Multiply by the filter spectrum, then inverse FFT via conjugation.
    for (let k = 0; k < size; k++) {
      const a = re[k], b = im[k];
      re[k] = a * fr[k] - b * fi[k];
      im[k] = -(a * fi[k] + b * fr[k]);
    }
    this.fft.transform(re, im);
    const inv = 1 / size;
    for (let k = 0; k < this.numBins; k++) {
      const a = re[k] * inv, b = -im[k] * inv;
      outRe[k] = a * cr[k] + b * ci[k];
      outIm[k] = b * cr[k] - a * ci[k];
    }
  }
}
