import { CmvnError } from './errors.js';
import type { FeatureMatrix } from './kaldi-fbank.js';

/** Options of CMVN application. */
export interface CmvnOptions {
  /** Subtract the mean (true). */
  normMeans?: boolean;
  /** Divide by the standard deviation (false for per-utterance `applyCmvn`, true for `CmvnStats.apply`). */
  normVars?: boolean;
  /** Variances below this are raised to it before dividing (1e-10). */
  varianceFloor?: number;
}

function checkMatrix(m: FeatureMatrix, what: string): void {
  if (m.data.length !== m.numFrames * m.numBins) {
    throw new CmvnError(`${what}: data has ${m.data.length} values, expected numFrames*numBins = ${m.numFrames}*${m.numBins}`);
  }
}

function normalize(m: FeatureMatrix, mean: Float64Array, variance: Float64Array, o: CmvnOptions, defVars: boolean): FeatureMatrix {
  const normMeans = o.normMeans ?? true;
  const normVars = o.normVars ?? defVars;
  const floor = o.varianceFloor ?? 1e-10;
  const { numFrames, numBins } = m;
  const shift = new Float64Array(numBins);
  const scale = new Float64Array(numBins).fill(1);
  for (let b = 0; b < numBins; b++) {
    if (normMeans) shift[b] = mean[b];
    if (normVars) scale[b] = 1 / Math.sqrt(Math.max(variance[b], floor));
  }
  const out = new Float32Array(m.data.length);
  for (let f = 0; f < numFrames; f++) {
    const row = f * numBins;
    for (let b = 0; b < numBins; b++) out[row + b] = (m.data[row + b] - shift[b]) * scale[b];
  }
  return { data: out, numFrames, numBins };
}

/** Per-utterance CMVN of `[frames, bins]` features: mean subtraction, optional variance normalization. */
export function applyCmvn(features: FeatureMatrix, options: CmvnOptions = {}): FeatureMatrix {
  checkMatrix(features, 'applyCmvn');
  const stats = new CmvnStats(features.numBins);
  stats.accumulate(features);
  if (stats.count === 0) return { data: new Float32Array(0), numFrames: 0, numBins: features.numBins };
  return normalize(features, stats.mean(), stats.variance(), options, false);
}

/** The JSON form of `CmvnStats` (`version` 1). */
export interface CmvnStatsJson {
  version: 1;
  dim: number;
  count: number;
  sum: number[];
  sumSquares: number[];
}

/** Global CMVN statistics: per-bin sums and sums of squares over any number of utterances (float64). */
export class CmvnStats {
  /** Feature dimension (bins). */
  readonly dim: number;
  /** Frames accumulated. */
  count = 0;
  /** Per-bin sum of values. */
  readonly sum: Float64Array;
  /** Per-bin sum of squared values. */
  readonly sumSquares: Float64Array;

  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new CmvnError(`CmvnStats: dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.sum = new Float64Array(dim);
    this.sumSquares = new Float64Array(dim);
  }

  /** Adds every frame of a `[frames, dim]` matrix. */
  accumulate(features: FeatureMatrix): this {
    checkMatrix(features, 'CmvnStats.accumulate');
    if (features.numBins !== this.dim) throw new CmvnError(`CmvnStats.accumulate: features have ${features.numBins} bins, statistics have ${this.dim}`);
    const { data, numFrames } = features;
    const dim = this.dim;
    for (let f = 0; f < numFrames; f++) {
      for (let b = 0; b < dim; b++) {
        const v = data[f * dim + b];
        if (!Number.isFinite(v)) throw new CmvnError(`CmvnStats.accumulate: non-finite value ${v} at frame ${f}, bin ${b}`);
        this.sum[b] += v;
        this.sumSquares[b] += v * v;
      }
    }
    this.count += numFrames;
    return this;
  }

  /** Adds another accumulator's statistics (e.g. from a parallel worker). */
  merge(other: CmvnStats): this {
    if (other.dim !== this.dim) throw new CmvnError(`CmvnStats.merge: dimension ${other.dim} does not match ${this.dim}`);
    for (let b = 0; b < this.dim; b++) {
      this.sum[b] += other.sum[b];
      this.sumSquares[b] += other.sumSquares[b];
    }
    this.count += other.count;
    return this;
  }

  /** Per-bin mean; throws when nothing was accumulated. */
  mean(): Float64Array {
    this.requireData('mean');
    return this.sum.map((s) => s / this.count);
  }

  /** Per-bin (population) variance, never negative. */
  variance(): Float64Array {
    this.requireData('variance');
    const mean = this.mean();
    return this.sumSquares.map((s, b) => Math.max(0, s / this.count - mean[b] * mean[b]));
  }

  /** Normalizes a `[frames, dim]` matrix with these global statistics (means and variances by default). */
  apply(features: FeatureMatrix, options: CmvnOptions = {}): FeatureMatrix {
    checkMatrix(features, 'CmvnStats.apply');
    if (features.numBins !== this.dim) throw new CmvnError(`CmvnStats.apply: features have ${features.numBins} bins, statistics have ${this.dim}`);
    return normalize(features, this.mean(), this.variance(), options, true);
  }

  /** Plain-JSON form. */
  toJSON(): CmvnStatsJson {
    return { version: 1, dim: this.dim, count: this.count, sum: Array.from(this.sum), sumSquares: Array.from(this.sumSquares) };
  }

  /** Rebuilds statistics from `toJSON()` output; `source` names the origin in errors. */
  static fromJSON(json: unknown, source = 'CMVN statistics'): CmvnStats {
    const j = json as Partial<CmvnStatsJson> | null;
    const ok =
      j !== null && typeof j === 'object' && j.version === 1 && Number.isInteger(j.dim) && (j.dim as number) > 0 &&
      typeof j.count === 'number' && j.count >= 0 && Array.isArray(j.sum) && Array.isArray(j.sumSquares) &&
      j.sum.length === j.dim && j.sumSquares.length === j.dim && [...j.sum, ...j.sumSquares].every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new CmvnError(`${source}: not valid CMVN statistics (need {version: 1, dim, count, sum[dim], sumSquares[dim]})`);
    const stats = new CmvnStats(j.dim as number);
    stats.count = j.count as number;
    stats.sum.set(j.sum as number[]);
    stats.sumSquares.set(j.sumSquares as number[]);
    return stats;
  }

  private requireData(what: string): void {
    if (this.count === 0) throw new CmvnError(`CmvnStats.${what}: no frames accumulated yet`);
  }
}
