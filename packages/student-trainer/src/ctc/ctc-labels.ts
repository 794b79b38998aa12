/**
 * Writes the extended label sequence l' (blank, l1, blank, l2, ..., blank) into `ext` and, per state, whether
 * the skip transition s-2 -> s is allowed (a label state whose label differs from the previous label).
 * Two padding entries past the end (blank, no skip) let recursions read s+1 and s+2 unguarded. Returns S = 2L+1.
 */
export function extendLabels(
  labels: Int32Array,
  offset: number,
  labelLength: number,
  blank: number,
  ext: Int32Array,
  skip: Uint8Array,
): number {
  const states = 2 * labelLength + 1;
  for (let s = 0; s < states; s++) {
    const isLabel = (s & 1) === 1;
    ext[s] = isLabel ? labels[offset + (s >> 1)] : blank;
    skip[s] = isLabel && s >= 3 && ext[s] !== ext[s - 2] ? 1 : 0;
  }
  ext[states] = ext[states + 1] = blank;
  skip[states] = skip[states + 1] = 0;
  return states;
}

/** Fewest frames an alignment of these labels needs: one per label plus a blank between equal neighbours. */
export function minimumFrames(labels: Int32Array, offset: number, labelLength: number): number {
  let frames = labelLength;
  for (let i = 1; i < labelLength; i++) if (labels[offset + i] === labels[offset + i - 1]) frames++;
  return frames;
}

/** Lowest state index from which the final states are still reachable at frame t (of `frames`). */
export function bandLow(states: number, frames: number, t: number): number {
  const lo = states - 2 * (frames - t);
  return lo > 0 ? lo : 0;
}

/** Highest state index reachable from the start at frame t. */
export function bandHigh(states: number, t: number): number {
  const hi = 2 * t + 1;
  return hi < states - 1 ? hi : states - 1;
}

// The log-space sums live with the CTC beam search in @speechkd/recognizer; the loss uses the same ones.
export { logAdd2, logAdd3 } from '@speechkd/recognizer';
