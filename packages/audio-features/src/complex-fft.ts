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
    // Radix-4 passes index twiddles up to 3n/4, so the table spans a full turn.
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let k = 0; k < n; k++) {
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
    // Each radix-4 pass turns sub-transforms of size len into size 4*len. In bit-reversed layout the
    // four quarter blocks hold the DFTs of x[4n], x[4n+2], x[4n+1], x[4n+3], so they take the twiddles
    // W^0, W^2j, W^j, W^3j (W = e^{-2πi/4len}): three complex multiplications per butterfly.
    for (; len * 4 <= n; len *= 4) {
      const block = 4 * len;
      const s4 = n / block;
      for (let j = 0; j < len; j++) {
        const w1r = cos[j * s4], w1i = sin[j * s4];
        const w2r = cos[2 * j * s4], w2i = sin[2 * j * s4];
        const w3r = cos[3 * j * s4], w3i = sin[3 * j * s4];
        for (let a = j; a < n; a += block) {
          const b = a + len, c = b + len, d = c + len;
          const t0r = re[a], t0i = im[a];
          let xr = re[b], xi = im[b];
          const t1r = xr * w2r - xi * w2i, t1i = xr * w2i + xi * w2r;
          xr = re[c];
          xi = im[c];
          const t2r = xr * w1r - xi * w1i, t2i = xr * w1i + xi * w1r;
          xr = re[d];
          xi = im[d];
          const t3r = xr * w3r - xi * w3i, t3i = xr * w3i + xi * w3r;
          const s01r = t0r + t1r, s01i = t0i + t1i, d01r = t0r - t1r, d01i = t0i - t1i;
          const s23r = t2r + t3r, s23i = t2i + t3i, d23r = t2r - t3r, d23i = t2i - t3i;
          re[a] = s01r + s23r;
          im[a] = s01i + s23i;
          re[c] = s01r - s23r;
          im[c] = s01i - s23i;
          // -i·d23 = (d23i, -d23r)
          re[b] = d01r + d23i;
          im[b] = d01i - d23r;
          re[d] = d01r - d23i;
          im[d] = d01i + d23r;
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
