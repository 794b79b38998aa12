import { tf } from '@speechkd/tensor-backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** AdamW hyper-parameters (weightDecay 0 gives Adam). */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** What the trainer needs of an optimizer besides its update: the step count and checkpointable moments. */
export interface CheckpointableOptimizer {
  /** Optimizer steps applied so far. */
  step: number;
  /** Moments as named tensors (`<name>/m`, `<name>/v`); the caller disposes them. */
  stateTensors(): Array<[string, Tensor]>;
  /** Restores moments and the step count. */
  loadState(step: number, values: Map<string, { shape: number[]; values: Float32Array }>): void;
  dispose(): void;
}

/** Where each variable lives in the flat parameter vector. */
interface FlatLayout {
  names: string[];
  shapes: number[][];
  sizes: number[];
  /** 1 for matrices (decayed), 0 for vectors (biases, norms). */
  decayMask: Tensor;
}

/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over named variables, with bias correction.
 * Written here rather than using tf.train.adam because its moments must be saved and restored by name
 * for exact resume, and tfjs has no decoupled weight decay. Decay skips vectors (biases, norms).
 * The update runs on one flat vector of all parameters (a dozen kernels per step instead of a dozen per
 * variable, which on wasm cost more than the arithmetic); the moments are flat too and are saved per name.
 */
export class AdamW implements CheckpointableOptimizer {
  /** Optimizer steps applied so far. */
  step = 0;
  private readonly opts: AdamWOptions;
  private layout: FlatLayout | undefined;
  private m: Tensor | undefined;
  private v: Tensor | undefined;
  /** Moments restored from a checkpoint, waiting for the first update to fix the layout. */
  private pending: Map<string, { shape: number[]; values: Float32Array }> | undefined;

  constructor(options: AdamWOptions) {
    this.opts = options;
  }

  private ensureLayout(vars: Map<string, Variable>): FlatLayout {
    if (this.layout) return this.layout;
    const names = [...vars.keys()];
    const shapes = names.map((n) => vars.get(n)!.shape.slice());
    const sizes = shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
    const mask = new Float32Array(sizes.reduce((a, b) => a + b, 0));
    let off = 0;
    names.forEach((_, i) => {
      if (shapes[i].length >= 2) mask.fill(1, off, off + sizes[i]);
      off += sizes[i];
    });
    this.layout = { names, shapes, sizes, decayMask: tf.tensor1d(mask) };
    if (this.pending) {
      const take = (which: 'm' | 'v') => {
        const flat = new Float32Array(mask.length);
        let o = 0;
        names.forEach((n, i) => {
          const saved = this.pending!.get(`${n}/${which}`);
          if (saved) flat.set(saved.values, o);
          o += sizes[i];
        });
        return tf.tensor1d(flat);
      };
      this.m = take('m');
      this.v = take('v');
      this.pending = undefined;
    }
    return this.layout;
  }

  /**
   * Flattens the gradients, clips them to global L2 norm `clipNorm` (0 = no clipping) and, when the norm
   * is finite, applies one update with learning rate `lr`. Returns the norm before clipping. `grads` are
   * keyed by parameter name (not disposed); a variable without a gradient gets a zero gradient.
   */
  applyClipped(vars: Map<string, Variable>, grads: Map<string, Tensor>, lr: number, clipNorm: number, skip = false): number {
    const layout = this.ensureLayout(vars);
    const flatGrad = tf.tidy(() => tf.concat(layout.names.map((n, i) => {
      const g = grads.get(n);
      return g ? tf.reshape(g, [layout.sizes[i]]) : tf.zeros([layout.sizes[i]]);
    })));
    try {
      return this.applyFlatClipped(vars, flatGrad, lr, clipNorm, skip);
    } finally {
      flatGrad.dispose();
    }
  }

  /**
   * `applyClipped` for a gradient that is already one flat vector in the order of `vars` (data-parallel
   * training sums the replicas' flat gradients); `flatGrad` is not disposed.
   */
  applyFlatClipped(vars: Map<string, Variable>, flatGrad: Tensor, lr: number, clipNorm: number, skip = false): number {
    const layout = this.ensureLayout(vars);
    const total = layout.sizes.reduce((a, b) => a + b, 0);
    if (flatGrad.size !== total) throw new Error(`AdamW.applyFlatClipped: argument "flatGrad" has ${flatGrad.size} values for ${total} parameters`);
    const norm = tf.tidy(() => tf.sqrt(tf.sum(tf.square(flatGrad))).dataSync()[0]);
    if (!skip && Number.isFinite(norm)) {
      const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
      this.update(vars, layout, flatGrad, scale, lr);
    }
    return norm;
  }

  private update(vars: Map<string, Variable>, layout: FlatLayout, flatGrad: Tensor, scale: number, lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.opts;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const prevM = this.m;
    const prevV = this.v;
    const next = tf.tidy(() => {
      const g = scale === 1 ? flatGrad : tf.mul(flatGrad, scale);
      const m = prevM ? tf.add(tf.mul(prevM, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
      const v = prevV ? tf.add(tf.mul(prevV, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
      const w = tf.concat(layout.names.map((n, i) => tf.reshape(vars.get(n)!, [layout.sizes[i]])));
      // Decoupled decay on matrices only: w * (1 - lr * wd * mask).
      const decayed = weightDecay > 0 ? tf.mul(w, tf.sub(1, tf.mul(layout.decayMask, lr * weightDecay))) : w;
      const newW = tf.sub(decayed, tf.mul(update, lr));
      const parts = tf.split(newW, layout.sizes);
      layout.names.forEach((n, i) => vars.get(n)!.assign(tf.reshape(parts[i], layout.shapes[i])));
      return { m, v };
    });
    tf.dispose([prevM, prevV].filter((t): t is Tensor => t !== undefined));
    this.m = next.m;
    this.v = next.v;
  }

  /** Moments as named tensors (`<name>/m`, `<name>/v`) for checkpoints; the caller disposes them. */
  stateTensors(): Array<[string, Tensor]> {
    const layout = this.layout;
    const m = this.m;
    const v = this.v;
    if (!layout || !m || !v) return [];
    return tf.tidy(() => {
      const ms = tf.split(m, layout.sizes);
      const vs = tf.split(v, layout.sizes);
      return layout.names.flatMap((n, i): Array<[string, Tensor]> => [[`${n}/m`, tf.reshape(ms[i], layout.shapes[i])], [`${n}/v`, tf.reshape(vs[i], layout.shapes[i])]]);
    });
  }

  /** Restores moments written by `stateTensors` and the step count (applied at the next update). */
  loadState(step: number, values: Map<string, { shape: number[]; values: Float32Array }>): void {
    this.dispose();
    this.step = step;
    this.pending = values;
  }

  /** Frees the moments and the layout. */
  dispose(): void {
    tf.dispose([this.m, this.v, this.layout?.decayMask].filter((t): t is Tensor => t !== undefined));
    this.m = undefined;
    this.v = undefined;
    this.layout = undefined;
  }
}

/** Exponential moving average of the weights (shadow copies by name). */
export class WeightEma {
  readonly shadow = new Map<string, Tensor>();
  readonly decay: number;

  constructor(vars: Map<string, Variable>, decay: number) {
    this.decay = decay;
    for (const [k, v] of vars) this.shadow.set(k, tf.clone(v));
  }

  /** shadow = decay * shadow + (1 - decay) * current. */
  update(vars: Map<string, Variable>): void {
    for (const [k, v] of vars) {
      const old = this.shadow.get(k)!;
      this.shadow.set(k, tf.tidy(() => tf.add(tf.mul(old, this.decay), tf.mul(v, 1 - this.decay))));
      old.dispose();
    }
  }

  /** Replaces the shadow from saved values. */
  load(values: Map<string, { shape: number[]; values: Float32Array }>): void {
    for (const [k, val] of values) {
      this.shadow.get(k)?.dispose();
      this.shadow.set(k, tf.tensor(val.values, val.shape));
    }
  }

  /** Frees the shadow tensors. */
  dispose(): void {
    tf.dispose([...this.shadow.values()]);
    this.shadow.clear();
  }
}
