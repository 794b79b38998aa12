import { CHAR_VOCAB, encodeChars } from '@speechkd/text-encoders/chars';
import { DecodeError } from './decode-error.js';
import type { PrefixScorer } from './prefix-beam-search.js';

/** Default n-gram order of `CharNgramLm.train` (the order tuned for decoding; RESULTS.md). */
export const DEFAULT_LM_ORDER = 8;

/** Options of `CharNgramLm.train`. */
export interface CharNgramLmOptions {
  /** N-gram order in characters (context of order - 1). Default `DEFAULT_LM_ORDER`. */
  order?: number;
  /** Absolute discount of every order, in (0, 1). Default 0.75. */
  discount?: number;
}

/** `CharNgramLm.toJSON()`: the counts a model is made of (its `lm.json` in a model folder). */
export interface CharNgramLmJson {
  format: 'speechkd-char-ngram';
  version: 1;
  order: number;
  discount: number;
  sentences: number;
  /** Per order k = 1..order: [k-gram of internal symbols, count] (raw at the top order, continuation below). */
  counts: Array<Array<[string, number]>>;
  /** Per order k = 1..order: [context, summed count, distinct raw followers]. */
  contexts: Array<Array<[string, number, number]>>;
}

/** Shallow-fusion weights of `CharNgramLm.scorer`. */
export interface LmFusionOptions {
  /** Weight of the LM log-probability. */
  weight: number;
  /** Score added per emitted character (offsets the LM's pull toward short transcripts). */
  bonus: number;
}

// Internal symbols: CTC label ids 1..28 as themselves, sentence start and end after them.
const BOS = CHAR_VOCAB.length;
const EOS = CHAR_VOCAB.length + 1;
const sym = (id: number): string => String.fromCharCode(48 + id);

/**
 * A character n-gram language model over the CTC vocabulary (space, apostrophe, A-Z), interpolated
 * Kneser-Ney with one absolute discount: the definition of NLTK's `KneserNeyInterpolated` (its golden
 * values are in the tests). Each sentence is padded with order - 1 start and end symbols and every
 * n-gram of orders 1..N is counted. The top order uses raw counts, the lower ones continuation counts
 * (how many distinct symbols precede an n-gram), and the lowest is the continuation unigram:
 *
 *   P(w | h) = max(c(h w) - D, 0) / c(h .) + D * |{w' : c(h w') > 0}| / c(h .) * P(w | h minus its first symbol)
 *
 * with c the raw count at the top order and the continuation count below it; a context never seen
 * defers to the shorter one. As in NLTK, a symbol that the training text never holds has probability 0.
 */
export class CharNgramLm {
  /** Symbol id of the sentence end, for `logProb` (the CTC label ids are 1..28). */
  static readonly END: number = EOS;

  private readonly cache = new Map<string, number>();

  private constructor(
    readonly order: number,
    readonly discount: number,
    /** Per order k (index k): k-gram -> raw count at the top order, continuation count below it. */
    private readonly counts: Array<Map<string, number>>,
    /** Per order k: context (k-1 symbols) -> [sum of its k-grams' counts (as in `counts`), distinct raw followers]. */
    private readonly contexts: Array<Map<string, [number, number]>>,
    /** Sentences trained on. */
    readonly sentences: number,
  ) {}

  /** Counts the n-grams of `sentences` (normalized to the CTC vocabulary; empty ones are skipped). */
  static train(sentences: Iterable<string>, options: CharNgramLmOptions = {}): CharNgramLm {
    const order = options.order ?? DEFAULT_LM_ORDER;
    const discount = options.discount ?? 0.75;
    if (!Number.isInteger(order) || order < 2 || order > 12) throw new DecodeError(`CharNgramLm: option 'order' = ${order} must be an integer in [2, 12]`);
    if (!(discount > 0 && discount < 1)) throw new DecodeError(`CharNgramLm: option 'discount' = ${discount} must be in (0, 1)`);
    const raw: Array<Map<string, number>> = Array.from({ length: order + 1 }, () => new Map());
    let n = 0;
    for (const sentence of sentences) {
      const ids = encodeChars(sentence);
      if (ids.length === 0) continue;
      n++;
      const padded = sym(BOS).repeat(order - 1) + Array.from(ids, sym).join('') + sym(EOS).repeat(order - 1);
      for (let k = 1; k <= order; k++) {
        const m = raw[k];
        for (let i = 0; i + k <= padded.length; i++) {
          const g = padded.slice(i, i + k);
          m.set(g, (m.get(g) ?? 0) + 1);
        }
      }
    }
    if (n === 0) throw new DecodeError('CharNgramLm.train: no non-empty sentence to train on');
    const counts: Array<Map<string, number>> = [new Map()];
    const contexts: Array<Map<string, [number, number]>> = [new Map()];
    for (let k = 1; k <= order; k++) {
      // Continuation count of a k-gram below the top order: distinct symbols seen before it.
      let c = raw[k];
      if (k < order) {
        c = new Map();
        for (const g of raw[k + 1].keys()) {
          const tail = g.slice(1);
          c.set(tail, (c.get(tail) ?? 0) + 1);
        }
      }
      const ctx = new Map<string, [number, number]>();
      for (const [g, v] of c) {
        const h = g.slice(0, -1);
        const e = ctx.get(h);
        if (e) e[0] += v;
        else ctx.set(h, [v, 0]);
      }
      for (const g of raw[k].keys()) {
        const h = g.slice(0, -1);
        const e = ctx.get(h);
        if (e) e[1] += 1;
        else ctx.set(h, [0, 1]);
      }
      counts.push(c);
      contexts.push(ctx);
    }
    return new CharNgramLm(order, discount, counts, contexts, n);
  }

  /** The model's counts as plain JSON (`CharNgramLm.fromJSON` rebuilds the same model). */
  toJSON(): CharNgramLmJson {
    return {
      format: 'speechkd-char-ngram',
      version: 1,
      order: this.order,
      discount: this.discount,
      sentences: this.sentences,
      counts: this.counts.slice(1).map((m) => [...m]),
      contexts: this.contexts.slice(1).map((m) => [...m].map(([h, [sum, followers]]): [string, number, number] => [h, sum, followers])),
    };
  }

  /** Rebuilds a model from `toJSON()` output; `source` names the origin (a file) in errors. */
  static fromJSON(json: unknown, source = 'character LM'): CharNgramLm {
    const j = json as Partial<CharNgramLmJson> | null;
    const ok =
      j !== null && typeof j === 'object' && j.format === 'speechkd-char-ngram' && j.version === 1 && Number.isInteger(j.order) &&
      (j.order as number) >= 2 && (j.order as number) <= 12 && typeof j.discount === 'number' && j.discount > 0 && j.discount < 1 &&
      Array.isArray(j.counts) && Array.isArray(j.contexts) && j.counts.length === j.order && j.contexts.length === j.order;
    if (!ok) throw new DecodeError(`${source}: not a character n-gram LM (need {format: 'speechkd-char-ngram', version: 1, order 2..12, discount, counts[order], contexts[order]})`);
    const counts: Array<Map<string, number>> = [new Map()];
    const contexts: Array<Map<string, [number, number]>> = [new Map()];
    for (let k = 0; k < j.order!; k++) {
      counts.push(new Map(j.counts![k].map(([g, c]) => [g, c])));
      contexts.push(new Map(j.contexts![k].map(([h, sum, followers]) => [h, [sum, followers]])));
    }
    return new CharNgramLm(j.order!, j.discount!, counts, contexts, j.sentences ?? 0);
  }

  /** Probability of `key`'s last symbol after the rest (a string of internal symbols, at most `order` long). */
  private prob(key: string): number {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const k = key.length;
    let p: number;
    if (k === 1) {
      const e = this.contexts[1].get('');
      p = e && e[0] > 0 ? (this.counts[1].get(key) ?? 0) / e[0] : 0;
    } else {
      const lower = this.prob(key.slice(1));
      const e = this.contexts[k].get(key.slice(0, -1));
      if (!e || e[1] === 0 || e[0] === 0) p = lower;
      else p = Math.max((this.counts[k].get(key) ?? 0) - this.discount, 0) / e[0] + ((this.discount * e[1]) / e[0]) * lower;
    }
    if (this.cache.size > 2_000_000) this.cache.clear();
    this.cache.set(key, p);
    return p;
  }

  /**
   * Natural-log probability of `next` (a CTC label id 1..28, or `CharNgramLm.END`) after the transcript
   * `prefix` (label ids, from the sentence start).
   */
  logProb(prefix: ArrayLike<number>, next: number): number {
    if (!Number.isInteger(next) || next < 1 || next > EOS || next === BOS) throw new DecodeError(`CharNgramLm.logProb: symbol ${next} is not a label id 1..${BOS - 1} or CharNgramLm.END`);
    const h = this.order - 1;
    let key = '';
    for (let i = Math.max(0, prefix.length - h); i < prefix.length; i++) key += sym(prefix[i]);
    if (prefix.length < h) key = sym(BOS).repeat(h - prefix.length) + key;
    return Math.log(this.prob(key + sym(next)));
  }

  /** Log-probability of a whole sentence, its end included. */
  sentenceLogProb(text: string): number {
    const ids = Array.from(encodeChars(text));
    let lp = 0;
    for (let i = 0; i <= ids.length; i++) lp += this.logProb(ids.slice(0, i), i < ids.length ? ids[i] : EOS);
    return lp;
  }

  /** Per-symbol perplexity over sentences (each symbol and each sentence end counted once). */
  perplexity(sentences: Iterable<string>): number {
    let lp = 0;
    let n = 0;
    for (const s of sentences) {
      lp += this.sentenceLogProb(s);
      n += encodeChars(s).length + 1;
    }
    if (n === 0) throw new DecodeError('CharNgramLm.perplexity: no sentences');
    return Math.exp(-lp / n);
  }

  /** Shallow fusion for `prefixBeamSearch`: `weight * log P(next | prefix) + bonus` per emitted label. */
  scorer(fusion: LmFusionOptions): PrefixScorer {
    const { weight, bonus } = checkFusion(fusion);
    const scorer: PrefixScorer = (prefix, next) => weight * this.logProb(prefix, next) + bonus;
    scorer.contextLength = this.order - 1; // logProb reads no further back
    return scorer;
  }
}

/** Validates fusion weights (finite; weight >= 0). */
function checkFusion(fusion: LmFusionOptions): LmFusionOptions {
  if (!(Number.isFinite(fusion.weight) && fusion.weight >= 0)) throw new DecodeError(`LM fusion: 'weight' = ${fusion.weight} must be a finite number >= 0`);
  if (!Number.isFinite(fusion.bonus)) throw new DecodeError(`LM fusion: 'bonus' = ${fusion.bonus} must be a finite number`);
  return fusion;
}
