import type { PrefixScorer } from './prefix-beam-search.js';

/** Label prefixes as a trie: node 0 is the empty prefix; each node knows its parent, last label and scorer term. */
export class PrefixTrie {
  /** Parent node per node (-1 for the root). */
  readonly parent: number[] = [-1];
  /** Last label per node (-1 for the root). */
  readonly label: number[] = [-1];
  /** Scorer term for reaching the node from its parent (0 without a scorer). */
  readonly score: number[] = [0];
  /** Labels from the root to the node. */
  readonly depth: number[] = [0];
  private readonly children = new Map<number, number>();

  constructor(
    private readonly vocab: number,
    private readonly scorer?: PrefixScorer,
  ) {}

  /** Node for `node`'s prefix followed by `c`, created on first use. */
  child(node: number, c: number): number {
    const key = node * this.vocab + c;
    let id = this.children.get(key);
    if (id === undefined) {
      id = this.parent.length;
      this.parent.push(node);
      this.label.push(c);
      this.depth.push(this.depth[node] + 1);
      this.score.push(this.scorer ? this.scorer(this.context(node), c) : 0);
      this.children.set(key, id);
    }
    return id;
  }

  /**
   * What the scorer sees of a node's prefix: all of it, or only its last `scorer.contextLength` labels when the
   * scorer says it reads no further back (an n-gram LM): building the whole prefix for every new node made
   * LM decoding quadratic in the transcript's length.
   */
  private context(node: number): number[] {
    const k = this.scorer?.contextLength;
    if (k === undefined || this.depth[node] <= k) return this.labels(node);
    const out = new Array<number>(k);
    for (let i = k - 1, n = node; i >= 0; i--, n = this.parent[n]) out[i] = this.label[n];
    return out;
  }

  /** Label sequence of a node, root first. */
  labels(node: number): number[] {
    const out: number[] = [];
    for (let n = node; n > 0; n = this.parent[n]) out.push(this.label[n]);
    return out.reverse();
  }
}
