import { Aligner } from './aligner.js';
import type { EditCounts } from './aligner.js';
import { alignedPairs } from './details.js';
import type { AlignedPair } from './details.js';
import { TokenIds } from './token-ids.js';

/** Aligns two word sequences (unit cost, documented tie rule of `Aligner`); returns counts and the aligned pairs. */
export function alignWords(ref: readonly string[], hyp: readonly string[]): { counts: EditCounts; pairs: AlignedPair[] } {
  const ids = new TokenIds();
  const r = ids.encode(ref, new Int32Array(ref.length));
  const h = ids.encode(hyp, new Int32Array(hyp.length));
  const { counts, ops } = new Aligner().align(r, h, ref.length, hyp.length);
  const errors = counts.substitutions + counts.deletions + counts.insertions;
  const pairs = alignedPairs({ id: '', ref: [...ref], hyp: [...hyp], words: counts, errors, chars: counts, missing: false, ops });
  return { counts, pairs };
}
