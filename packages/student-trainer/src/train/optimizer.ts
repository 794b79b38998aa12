import { tf } from '@speechkd/tensor-backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** AdamW hyper-parameters (weightDecay 0 gives Adam). */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over named variables, with bias correction.
 * Written here rather than using tf.train.adam because its moments must be saved and restored by name
 * for exact resume, and tfjs has no decoupled weight decay. Decay skips vectors (biases, norms).
 */
export class AdamW {
  /** Optimizer steps applied so far. */
  step = 0;
  /** First and second moments by variable name. */
  readonly moments = new Map<string, { m: Tensor; v: Tensor }>();
  private readonly opts: AdamWOptions;

  constructor(options: AdamWOptions) {
    this.opts = options;
  }

  /** Applies one update with learning rate `lr`; `grads` are keyed by parameter name (not disposed). */
  apply(vars: Map<string, Variable>, grads: Map<string, Tensor>, lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.opts;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (const [name, v] of vars) {
      const g = grads.get(name);
      if (!g) continue;
      const prev = this.moments.get(name);
      const next = tf.tidy(() => {
        const m = prev ? tf.add(tf.mul(prev.m, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const vv = prev ? tf.add(tf.mul(prev.v, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(vv, c2)), epsilon));
        const decayed = weightDecay > 0 && v.rank >= 2 ? tf.mul(v, 1 - lr * weightDecay) : v;
        v.assign(tf.sub(decayed, tf.mul(update, lr)));
        return { m, v: vv };
      });
      if (prev) tf.dispose([prev.m, prev.v]);
      this.moments.set(name, next);
    }
  }

  /** Moments as named tensors (`<name>/m`, `<name>/v`) for checkpoints. */
  stateTensors(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [name, { m, v }] of this.moments) out.push([`${name}/m`, m], [`${name}/v`, v]);
    return out;
  }

  /** Restores moments written by `stateTensors` and the step count. */
  loadState(step: number, values: Map<string, { shape: number[]; values: Float32Array }>): void {
    this.dispose();
    this.step = step;
    for (const [key, val] of values) {
      const name = key.slice(0, -2);
      const which = key.slice(-1);
      const entry = this.moments.get(name) ?? ({} as { m: Tensor; v: Tensor });
      entry[which as 'm' | 'v'] = tf.tensor(val.values, val.shape);
      this.moments.set(name, entry);
    }
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

/** Global L2 norm of the gradients and the clipped gradients (new tensors; the caller disposes both maps). */
export function clipByGlobalNorm(grads: Map<string, Tensor>, maxNorm: number): { norm: number; clipped: Map<string, Tensor> } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  const clipped = new Map<string, Tensor>();
  for (const [k, g] of grads) clipped.set(k, scale === 1 ? tf.clone(g) : tf.tidy(() => tf.mul(g, scale)));
  return { norm, clipped };
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
