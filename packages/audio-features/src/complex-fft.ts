/**
 * In-place iterative radix-2 complex FFT of a fixed power-of-two size, with precomputed twiddles
 * and bit-reversal table. Hand-written (no npm dependency) because the fbank hot loop needs an
 * allocation-free transform on Float64Arrays.
 */
export class ComplexFft {
  /** Transform size (a power of two, >= 1). */
  readonly n: number;
  /** `rev[i]` is `i` with its log2(n) bits reversed. */
  readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly oddLog2: boolean;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`ComplexFft size must be a power of two, got ${n}`);
    this.n = n;
    const bits = Math.round(Math.log2(n));
    this.oddLog2 = bits % 2 === 1;
    this.rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    const half = Math.max(1, n >> 1);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  /**
   * Forward DFT (e^{-2πi jk/n}) in place; `re`/`im` must already be in bit-reversed order.
   * Decimation in time with two radix-2 stages merged per pass (radix-2², half the memory passes).
   */
  transformBitReversed(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const cos = this.cos;
    const sin = this.sin;
    let len = 1;
    if (this.oddLog2) {
      for (let i = 0; i < n; i += 2) {
        const ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1];
        re[i] = ar + br;
        im[i] = ai + bi;
        re[i + 1] = ar - br;
        im[i + 1] = ai - bi;
      }
      len = 2;
    } else if (n >= 4) {
      // First radix-4 pass: all twiddles are 1 (and -i), so no multiplications.
      for (let a = 0; a < n; a += 4) {
        const b = a + 1, c = a + 2, d = a + 3;
        const y0r = re[a] + re[b], y0i = im[a] + im[b], y1r = re[a] - re[b], y1i = im[a] - im[b];
        const y2r = re[c] + re[d], y2i = im[c] + im[d], y3r = re[c] - re[d], y3i = im[c] - im[d];
        re[a] = y0r + y2r;
        im[a] = y0i + y2i;
        re[c] = y0r - y2r;
        im[c] = y0i - y2i;
        re[b] = y1r + y3i;
        im[b] = y1i - y3r;
        re[d] = y1r - y3i;
        im[d] = y1i + y3r;
      }
      len = 4;
    }
    // Each pass turns sub-transforms of size len into size 4*len.
    for (; len * 4 <= n; len *= 4) {
      const block = 4 * len;
      const s2 = n / (2 * len);
      const s4 = n / block;
      for (let j = 0; j < len; j++) {
        const w1r = cos[j * s2], w1i = sin[j * s2];
        const w2r = cos[j * s4], w2i = sin[j * s4];
        for (let a = j; a < n; a += block) {
          const b = a + len, c = b + len, d = c + len;
          // stage 1: size-2len butterflies (a,b) and (c,d) with W_{2len}^j
          let xr = re[b], xi = im[b];
          let tr = xr * w1r - xi * w1i, ti = xr * w1i + xi * w1r;
          const y0r = re[a] + tr, y0i = im[a] + ti, y1r = re[a] - tr, y1i = im[a] - ti;
          xr = re[d];
          xi = im[d];
          tr = xr * w1r - xi * w1i;
          ti = xr * w1i + xi * w1r;
          const y2r = re[c] + tr, y2i = im[c] + ti, y3r = re[c] - tr, y3i = im[c] - ti;
          // stage 2: size-4len butterflies (y0,y2) with W_{4len}^j and (y1,y3) with -i W_{4len}^j
          tr = y2r * w2r - y2i * w2i;
          ti = y2r * w2i + y2i * w2r;
          re[a] = y0r + tr;
          im[a] = y0i + ti;
          re[c] = y0r - tr;
          im[c] = y0i - ti;
          tr = y3r * w2i + y3i * w2r;
          ti = y3i * w2i - y3r * w2r;
          re[b] = y1r + tr;
          im[b] = y1i + ti;
          re[d] = y1r - tr;
          im[d] = y1i - ti;
        }
      }
    }
  }

  /** Forward DFT in place on natural-order data (permutes first). */
  transform(re: Float64Array, im: Float64Array): void {
    const rev = this.rev;
    for (let i = 0; i < this.n; i++) {
      const r = rev[i];
      if (r > i) {
        let t = re[i];
        re[i] = re[r];
        re[r] = t;
        t = im[i];
        im[i] = im[r];
        im[r] = t;
      }
    }
    this.transformBitReversed(re, im);
  }
}
