/** How weights are stored on disk. */
export type WeightPrecision = 'float32' | 'float16' | 'int8';

/** One stored tensor in a tfjs-style weights manifest (int8 is a speechkd extension: symmetric, per output channel). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' } | { dtype: 'int8'; scales: number[] };
}

/** float32 -> IEEE half bits (round to nearest even, saturating to +-Inf). */
export function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  e = half >>> 10;
  return sign | half;
}

/** IEEE half bits -> float32 value. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encodes one tensor's values at the requested precision; only matrices (rank >= 2) are quantized. */
export function encodeTensor(name: string, shape: number[], values: Float32Array, precision: WeightPrecision): { spec: WeightSpec; bytes: Uint8Array } {
  if (precision === 'float32' || shape.length < 2) {
    return { spec: { name, shape, dtype: 'float32' }, bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  }
  if (precision === 'float16') {
    const h = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) h[i] = toHalf(values[i]);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } }, bytes: new Uint8Array(h.buffer) };
  }
  const cols = shape[shape.length - 1];
  const scales = new Array<number>(cols).fill(0);
  for (let i = 0; i < values.length; i++) scales[i % cols] = Math.max(scales[i % cols], Math.abs(values[i]));
  for (let c = 0; c < cols; c++) scales[c] = scales[c] > 0 ? scales[c] / 127 : 1;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[i % cols])));
  return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'int8', scales } }, bytes: new Uint8Array(q.buffer) };
}

/** Byte size of a stored tensor. */
export function specByteLength(spec: WeightSpec): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (!spec.quantization) return 4 * n;
  return spec.quantization.dtype === 'float16' ? 2 * n : n;
}

/** Decodes stored bytes back to float32 values. */
export function decodeTensor(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const copy = new Uint8Array(bytes); // aligned copy (Buffer.slice would not copy)
  if (!spec.quantization) return new Float32Array(copy.buffer, 0, n);
  if (spec.quantization.dtype === 'float16') {
    const h = new Uint16Array(copy.buffer, 0, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = fromHalf(h[i]);
    return out;
  }
  const { scales } = spec.quantization;
  const cols = spec.shape[spec.shape.length - 1];
  const q = new Int8Array(copy.buffer, 0, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = q[i] * scales[i % cols];
  return out;
}
