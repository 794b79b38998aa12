// A reduce split across the participants: each adds every participant's gradient over its own range of the
// flat vector, so no thread adds whole vectors alone (the serial (N-1) vector adds that limit scaling).

/** The contiguous range [lo, hi) of a vector of `length` values that participant `part` of `parts` owns. */
export function shardRange(length: number, parts: number, part: number): [number, number] {
  if (!Number.isInteger(parts) || parts < 1 || !Number.isInteger(part) || part < 0 || part >= parts) {
    throw new RangeError(`shardRange: part must be an integer in [0, ${parts}), got ${part} of ${parts}`);
  }
  return [Math.floor((part * length) / parts), Math.floor(((part + 1) * length) / parts)];
}

/**
 * Over [lo, hi): `slots[0][i] = slots[0][i] + slots[1][i] + ... + slots[k-1][i]`, added left to right in
 * float32 (so the result does not depend on how the vector is sharded, only on the slots' order); returns
 * the sum of squares of the result over the range (float64), for a global gradient norm.
 */
export function reduceRange(slots: readonly Float32Array[], lo: number, hi: number): number {
  const out = slots[0];
  for (const s of slots) {
    if (s.length < hi) throw new RangeError(`reduceRange: a slot has ${s.length} values, the range ends at ${hi}`);
  }
  let sq = 0;
  if (slots.length === 2) {
    const b = slots[1];
    for (let i = lo; i < hi; i++) {
      const x = Math.fround(out[i] + b[i]);
      out[i] = x;
      sq += x * x;
    }
    return sq;
  }
  for (let i = lo; i < hi; i++) {
    let x = out[i];
    for (let j = 1; j < slots.length; j++) x = Math.fround(x + slots[j][i]);
    out[i] = x;
    sq += x * x;
  }
  return sq;
}
