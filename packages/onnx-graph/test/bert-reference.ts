// Plain-JS BERT forward (float64 loops) used as the reference for the ONNX graph's numbers.
import type { LinearWeights, NormWeights, TinyBert } from '../src/index.js';

type Mat = Float64Array[]; // rows

function lin(x: Mat, p: LinearWeights): Mat {
  return x.map((row) => {
    const out = new Float64Array(p.outDim);
    for (let o = 0; o < p.outDim; o++) {
      let s = p.b[o];
      for (let i = 0; i < p.inDim; i++) s += row[i] * p.w[i * p.outDim + o];
      out[o] = s;
    }
    return out;
  });
}

function norm(x: Mat, p: NormWeights, eps: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((r, i) => ((r - mean) / Math.sqrt(v + eps)) * p.gamma[i] + p.beta[i]);
  });
}

// erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7)
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((v, j) => v + b[i][j]));

/** Every layer's output for one sequence: `[layers][tokens][hidden]`. */
export function referenceBert(model: TinyBert, ids: number[], mask: number[], types: number[]): Mat[] {
  const { config: c, weights: w } = model;
  const h = c.hiddenSize;
  const row = (table: Float32Array, r: number): Float64Array => Float64Array.from(table.subarray(r * h, (r + 1) * h));
  let x: Mat = ids.map((id, t) => {
    const e = row(w.wordEmbeddings, id);
    const p = row(w.positionEmbeddings, t);
    const ty = row(w.tokenTypeEmbeddings, types[t]);
    return e.map((v, i) => v + p[i] + ty[i]);
  });
  x = norm(x, w.embeddingNorm, c.layerNormEps);
  const dh = h / c.numHeads;
  const layers: Mat[] = [];
  for (const L of w.layers) {
    const q = lin(x, L.attention.q);
    const k = lin(x, L.attention.k);
    const v = lin(x, L.attention.v);
    const ctx: Mat = x.map(() => new Float64Array(h));
    for (let head = 0; head < c.numHeads; head++) {
      for (let i = 0; i < x.length; i++) {
        const scores = x.map((_, j) => {
          let s = 0;
          for (let d = 0; d < dh; d++) s += q[i][head * dh + d] * k[j][head * dh + d];
          return s / Math.sqrt(dh) + (1 - mask[j]) * -10000;
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < x.length; j++) for (let d = 0; d < dh; d++) ctx[i][head * dh + d] += (e[j] / z) * v[j][head * dh + d];
      }
    }
    const a = norm(add(lin(ctx, L.attention.out), x), L.attentionNorm, c.layerNormEps);
    const inter = lin(a, L.intermediate).map((r) => r.map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2))));
    x = norm(add(lin(inter, L.output), a), L.outputNorm, c.layerNormEps);
    layers.push(x);
  }
  return layers;
}
