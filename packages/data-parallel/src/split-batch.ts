/**
 * Splits a batch of `costs.length` items into at most `parts` contiguous, non-empty slices whose largest
 * padded cost (items x the slice's largest item cost) is as small as possible; returns the index lists.
 * Contiguity keeps a length-sorted batch's slices length-sorted (least padding). Exact (dynamic
 * programming over split points; batches are small). Fewer slices come back when there are fewer items.
 */
export function splitBatch(costs: readonly number[], parts: number): number[][] {
  const n = costs.length;
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`splitBatch: parts must be an integer >= 1, got ${parts}`);
  if (costs.some((c) => !(c >= 0))) throw new RangeError('splitBatch: costs must be numbers >= 0');
  const k = Math.min(parts, n);
  if (k <= 1) return n === 0 ? [] : [costs.map((_, i) => i)];
  const padded = (a: number, b: number): number => {
    let m = 0;
    for (let i = a; i < b; i++) m = Math.max(m, costs[i]);
    return m * (b - a);
  };
  // best[j][i]: smallest max cost splitting items [0, i) into j slices; cut[j][i]: where the last slice starts.
  const best = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0][0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = j; i <= n; i++) {
      for (let s = j - 1; s < i; s++) {
        const v = Math.max(best[j - 1][s], padded(s, i));
        // Ties go to the later cut: earlier slices (the calling thread's first) stay no larger.
        if (v <= best[j][i]) {
          best[j][i] = v;
          cut[j][i] = s;
        }
      }
    }
  }
  const out: number[][] = [];
  let end = n;
  for (let j = k; j >= 1; j--) {
    const start = cut[j][end];
    out.unshift(Array.from({ length: end - start }, (_, t) => start + t));
    end = start;
  }
  return out;
}
