import { tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { AdamWOptions, CheckpointableOptimizer } from './optimizer.js';

/**
 * AdamW on flat host vectors (`Float32Array`s), for data-parallel training: the summed gradient already lives
 * on the host (shared memory), and one fused loop over it beats a dozen wasm kernels over the same 10+ MB;
 * the new weights are written straight into the shared weight vector the replicas read. Same rule as `AdamW`
 * (bias correction, decoupled weight decay on matrices only, clipping to a global norm) and the same
 * checkpoint format (moments saved per name as `<name>/m`, `<name>/v`), so a run can move between the two.
 */
export class HostAdamW implements CheckpointableOptimizer {
  /** Optimizer steps applied so far. */
  step = 0;
  private readonly opts: AdamWOptions;
  private readonly names: string[];
  private readonly shapes: number[][];
  private readonly sizes: number[];
  /** 1 for matrices (decayed), 0 for vectors, per scalar. */
  private readonly decay: Uint8Array;
  private m: Float32Array;
  private v: Float32Array;

  /** `layout`: the trained variables' names and shapes in flat-vector order. */
  constructor(options: AdamWOptions, layout: { names: string[]; shapes: number[][] }) {
    this.opts = options;
    this.names = layout.names;
    this.shapes = layout.shapes;
    this.sizes = layout.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.decay = new Uint8Array(total);
    let off = 0;
    this.shapes.forEach((s, i) => {
      if (s.length >= 2) this.decay.fill(1, off, off + this.sizes[i]);
      off += this.sizes[i];
    });
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
  }

  /**
   * Clips `grad` to global L2 norm `clipNorm` (0 = no clipping) and, unless `skip` or the norm is not finite,
   * updates `weights` in place with learning rate `lr`. Returns the norm before clipping.
   */
  apply(weights: Float32Array, grad: Float32Array, lr: number, clipNorm: number, skip = false): number {
    const n = this.m.length;
    if (weights.length !== n || grad.length !== n) throw new Error(`HostAdamW.apply: weights (${weights.length}) and grad (${grad.length}) must have ${n} values`);
    let sq = 0;
    for (let i = 0; i < n; i++) sq += grad[i] * grad[i];
    const norm = Math.sqrt(sq);
    if (skip || !Number.isFinite(norm)) return norm;
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.opts;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const keep = 1 - lr * weightDecay;
    const { m, v, decay } = this;
    for (let i = 0; i < n; i++) {
      const g = grad[i] * scale;
      const mi = beta1 * m[i] + (1 - beta1) * g;
      const vi = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      const w = decay[i] ? weights[i] * keep : weights[i];
      weights[i] = w - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
    }
    return norm;
  }

  /** Moments as named tensors (`<name>/m`, `<name>/v`) for checkpoints; the caller disposes them. */
  stateTensors(): Array<[string, Tensor]> {
    if (this.step === 0) return [];
    const out: Array<[string, Tensor]> = [];
    let off = 0;
    this.names.forEach((n, i) => {
      const size = this.sizes[i];
      out.push([`${n}/m`, tf.tensor(this.m.slice(off, off + size), this.shapes[i])], [`${n}/v`, tf.tensor(this.v.slice(off, off + size), this.shapes[i])]);
      off += size;
    });
    return out;
  }

  /** Restores moments written by `stateTensors` (or by `AdamW`) and the step count. */
  loadState(step: number, values: Map<string, { shape: number[]; values: Float32Array }>): void {
    this.step = step;
    let off = 0;
    this.names.forEach((n, i) => {
      for (const [which, arr] of [['m', this.m], ['v', this.v]] as const) {
        const saved = values.get(`${n}/${which}`);
        if (saved) arr.set(saved.values, off);
        else arr.fill(0, off, off + this.sizes[i]);
      }
      off += this.sizes[i];
    });
  }

  /** Nothing to free (host memory); present for the optimizer interface. */
  dispose(): void {}
}
