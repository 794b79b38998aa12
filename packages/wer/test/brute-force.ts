/** Exhaustive reference for tests: every alignment of two short sequences, with unit or sclite costs. */
export interface Split { s: number; d: number; i: number; c: number }

/** All alignments' (C,S,D,I) splits of `ref` against `hyp` (exponential; keep inputs <= ~7 tokens). */
export function allSplits(ref: readonly string[], hyp: readonly string[]): Split[] {
  const out: Split[] = [];
  const walk = (i: number, j: number, c: number, s: number, d: number, ins: number): void => {
    if (i === ref.length && j === hyp.length) { out.push({ c, s, d, i: ins }); return; }
    if (i < ref.length && j < hyp.length) {
      if (ref[i] === hyp[j]) walk(i + 1, j + 1, c + 1, s, d, ins);
      else walk(i + 1, j + 1, c, s + 1, d, ins);
    }
    if (i < ref.length) walk(i + 1, j, c, s, d + 1, ins);
    if (j < hyp.length) walk(i, j + 1, c, s, d, ins + 1);
  };
  walk(0, 0, 0, 0, 0, 0);
  return out;
}

/** Minimal unit-cost edit count and the distinct S/D/I splits that reach it. */
export function minimalSplits(ref: readonly string[], hyp: readonly string[]): { min: number; splits: Split[] } {
  const all = allSplits(ref, hyp);
  const min = Math.min(...all.map((a) => a.s + a.d + a.i));
  const seen = new Map<string, Split>();
  for (const a of all) if (a.s + a.d + a.i === min) seen.set(`${a.s},${a.d},${a.i}`, a);
  return { min, splits: [...seen.values()] };
}

/** Unit edit counts of the alignments that minimise sclite's weighted cost (correct 0, sub 4, ins 3, del 3). */
export function scliteWeightedSplits(ref: readonly string[], hyp: readonly string[]): Split[] {
  const all = allSplits(ref, hyp);
  const cost = (a: Split): number => 4 * a.s + 3 * (a.d + a.i);
  const min = Math.min(...all.map(cost));
  return all.filter((a) => cost(a) === min);
}
