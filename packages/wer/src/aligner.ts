import { WerError } from './errors.js';

/** Unit-cost edit counts of one aligned pair of token sequences. */
export interface EditCounts {
  /** Reference tokens matched exactly (correct). */
  hits: number;
  /** Reference tokens replaced by a different hypothesis token. */
  substitutions: number;
  /** Reference tokens with no hypothesis token. */
  deletions: number;
  /** Hypothesis tokens with no reference token. */
  insertions: number;
}

/** Alignment operation codes in `Aligner.align` output: correct, substitution, deletion, insertion. */
export const OP_CORRECT = 0;
/** Substitution op code. */
export const OP_SUBSTITUTION = 1;
/** Deletion op code. */
export const OP_DELETION = 2;
/** Insertion op code. */
export const OP_INSERTION = 3;

// (ref+1) x (hyp+1) cells; 32M cells (128-256 MiB) is far beyond any real utterance.
const MAX_CELLS = 32 * 1024 * 1024;

/**
 * Unit-cost Levenshtein aligner over integer token ids (words mapped through a `Map`, or code points).
 * Keeps one growing DP buffer, so scoring many utterances allocates almost nothing.
 *
 * Tie rule (documented contract): among the alignments with the fewest edits (S+D+I, the true
 * unit-cost edit distance), take one with the fewest substitutions, i.e. the most correct words
 * (this is also what sclite's 4/3/3 weights choose whenever their optimum has the minimal edit
 * count, so S/D/I totals agree with sclite there). Remaining ties are broken by tracing back from
 * the end of both sequences and preferring, at each cell, correct, then substitution, then
 * deletion, then insertion. The total always equals the edit distance; when every minimal
 * alignment has the same S/D/I split, that split is returned.
 */
export class Aligner {
  private dp32 = new Int32Array(1024);
  private dp64 = new Float64Array(0);
  /** The matrix of the last fill: Int32 when costs fit (n + m < 46340), else Float64 (exact to 2^53). */
  private dp: Int32Array | Float64Array = this.dp32;
  /** Cost of one edit; a substitution costs `unit + 1`, so costs order by (edits, substitutions). */
  private unit = 1;
  private opsBuf = new Uint8Array(256);

  /** Fills the DP matrix for `ref[0..n)` against `hyp[0..m)` and returns the edit distance. */
  private fill(ref: ArrayLike<number>, n: number, hyp: ArrayLike<number>, m: number, ro = 0, ho = 0): number {
    // Cost = edits * unit + substitutions with unit > max substitutions: exact in doubles, lexicographic.
    const unit = n + m + 1;
    this.unit = unit;
    const subCost = unit + 1;
    const w = m + 1;
    const cells = (n + 1) * w;
    if (cells > MAX_CELLS) {
      throw new WerError(`alignment of ${n} reference and ${m} hypothesis tokens needs ${cells} cells (limit ${MAX_CELLS}); split the utterance`);
    }
    let d: Int32Array | Float64Array;
    if ((n + m + 1) * unit < 0x7fffffff) {
      if (this.dp32.length < cells) this.dp32 = new Int32Array(Math.max(cells, this.dp32.length * 2));
      d = this.dp32;
    } else {
      if (this.dp64.length < cells) this.dp64 = new Float64Array(Math.max(cells, this.dp64.length * 2));
      d = this.dp64;
    }
    this.dp = d;
    for (let j = 0; j <= m; j++) d[j] = j * unit;
    for (let i = 1; i <= n; i++) {
      const r = ref[ro + i - 1];
      const row = i * w;
      const prev = row - w;
      let left = i * unit;
      d[row] = left;
      for (let j = 1; j <= m; j++) {
        let best = d[prev + j - 1] + (r === hyp[ho + j - 1] ? 0 : subCost);
        const del = d[prev + j] + unit;
        if (del < best) best = del;
        const ins = left + unit;
        if (ins < best) best = ins;
        d[row + j] = best;
        left = best;
      }
    }
    return Math.floor(d[n * w + m] / unit);
  }

  /**
   * Traces the filled matrix back with the tie rule; calls `emit(op)` from the END of the utterance
   * backwards and returns the counts.
   */
  private trace(ref: ArrayLike<number>, n: number, hyp: ArrayLike<number>, m: number, emit: ((op: number) => void) | null, ro = 0, ho = 0): EditCounts {
    const d = this.dp;
    const w = m + 1;
    const unit = this.unit;
    let i = n;
    let j = m;
    let hits = 0;
    let subs = 0;
    let dels = 0;
    let ins = 0;
    while (i > 0 || j > 0) {
      const c = d[i * w + j];
      let op: number;
      const same = i > 0 && j > 0 && ref[ro + i - 1] === hyp[ho + j - 1];
      if (same && d[(i - 1) * w + j - 1] === c) op = OP_CORRECT;
      else if (i > 0 && j > 0 && !same && d[(i - 1) * w + j - 1] + unit + 1 === c) op = OP_SUBSTITUTION;
      else if (i > 0 && d[(i - 1) * w + j] + unit === c) op = OP_DELETION;
      else op = OP_INSERTION;
      if (op === OP_CORRECT) { hits++; i--; j--; }
      else if (op === OP_SUBSTITUTION) { subs++; i--; j--; }
      else if (op === OP_DELETION) { dels++; i--; }
      else { ins++; j--; }
      if (emit) emit(op);
    }
    return { hits, substitutions: subs, deletions: dels, insertions: ins };
  }

  /**
   * Edit counts of `ref[0..refLength)` against `hyp[0..hypLength)` (lengths default to the array
   * lengths). The common prefix and suffix are matched without DP: with match cost 0 some optimal
   * alignment always matches them, and S/D/I follow from (edits, substitutions, lengths), so the
   * counts equal `align()`'s.
   */
  count(ref: ArrayLike<number>, hyp: ArrayLike<number>, refLength: number = ref.length, hypLength: number = hyp.length): EditCounts {
    let p = 0;
    const minLen = Math.min(refLength, hypLength);
    while (p < minLen && ref[p] === hyp[p]) p++;
    let q = 0;
    while (q < minLen - p && ref[refLength - 1 - q] === hyp[hypLength - 1 - q]) q++;
    const n = refLength - p - q;
    const m = hypLength - p - q;
    this.fill(ref, n, hyp, m, p, p);
    const c = this.trace(ref, n, hyp, m, null, p, p);
    c.hits += p + q;
    return c;
  }

  /** Edit distance only (no backtrace). */
  distance(ref: ArrayLike<number>, hyp: ArrayLike<number>, refLength: number = ref.length, hypLength: number = hyp.length): number {
    return this.fill(ref, refLength, hyp, hypLength);
  }

  /** Counts plus the op sequence (`OP_*` codes, start to end of the utterance). */
  align(ref: ArrayLike<number>, hyp: ArrayLike<number>, refLength: number = ref.length, hypLength: number = hyp.length): { counts: EditCounts; ops: Uint8Array } {
    this.fill(ref, refLength, hyp, hypLength);
    if (this.opsBuf.length < refLength + hypLength) this.opsBuf = new Uint8Array((refLength + hypLength) * 2);
    const buf = this.opsBuf;
    let k = 0;
    const counts = this.trace(ref, refLength, hyp, hypLength, (op) => { buf[k++] = op; });
    const ops = new Uint8Array(k);
    for (let t = 0; t < k; t++) ops[t] = buf[k - 1 - t];
    return { counts, ops };
  }
}
