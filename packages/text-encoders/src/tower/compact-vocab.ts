import { TextTowerError } from '../errors.js';

/**
 * Maps the WordPiece ids a corpus uses onto a compact embedding table. `realIds[c]` is the WordPiece
 * id of compact index c; special tokens come first; unseen ids map to the compact [UNK].
 */
export class CompactVocab {
  private readonly index = new Map<number, number>();
  readonly unk: number;

  constructor(readonly realIds: readonly number[], unkRealId: number) {
    realIds.forEach((id, c) => this.index.set(id, c));
    const unk = this.index.get(unkRealId);
    if (unk === undefined) throw new TextTowerError(`compact vocabulary lacks [UNK] (id ${unkRealId}); the vocab-map file is corrupt`);
    this.unk = unk;
  }

  /** Number of compact entries. */
  get size(): number {
    return this.realIds.length;
  }

  /** Compact index of a WordPiece id (the [UNK] index when unseen). */
  toCompact(realId: number): number {
    return this.index.get(realId) ?? this.unk;
  }

  /** Maps a whole id array. */
  mapIds(ids: ArrayLike<number>): Int32Array {
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.toCompact(ids[i]);
    return out;
  }

  /** Builds the table from tokenized sentences: `specials` first, then ids seen >= minCount times, by frequency. */
  static fromCorpus(sentences: readonly ArrayLike<number>[], specials: readonly number[], unkRealId: number, minCount = 1): CompactVocab {
    const counts = new Map<number, number>();
    for (const s of sentences) for (let i = 0; i < s.length; i++) counts.set(s[i], (counts.get(s[i]) ?? 0) + 1);
    const special = new Set(specials);
    const rest = [...counts].filter(([id, n]) => !special.has(id) && n >= minCount).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
    return new CompactVocab([...specials, ...rest], unkRealId);
  }
}
