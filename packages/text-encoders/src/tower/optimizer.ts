import { tf } from '@speechkd/tensor-backend';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay, applied to matrices and embeddings only (not biases/LayerNorm). */
  weightDecay: number;
}

/** Default AdamW settings (BERT's). */
export const ADAMW_DEFAULTS: AdamWOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01 };

/**
 * AdamW with bias correction. Written here (rather than tf.train.adam) because the learning rate
 * changes every step (warm-up + linear decay) and its moments must be saved for exact resume.
 */
export class AdamW {
  private readonly m = new Map<string, Variable>();
  private readonly v = new Map<string, Variable>();
  /** Number of updates applied. */
  t = 0;

  constructor(readonly options: AdamWOptions = ADAMW_DEFAULTS) {}

  /** Applies one update to `params` with `grads` at learning rate `lr`. */
  apply(params: Map<string, Tensor>, grads: NamedTensorMap, lr: number): void {
    this.t++;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = params.get(name) as Variable;
        if (!this.m.has(name)) {
          this.m.set(name, tf.variable(tf.zerosLike(p), false));
          this.v.set(name, tf.variable(tf.zerosLike(p), false));
        }
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        const decay = /\/w$|^embeddings\/(word|position)$/.test(name) ? tf.mul(p, weightDecay) : tf.scalar(0);
        p.assign(tf.sub(p, tf.mul(tf.add(step, decay), lr)));
      }
    });
  }

  /** Moments as named tensors (`m/<param>`, `v/<param>`) for checkpoints. */
  state(): NamedTensorMap {
    const out: NamedTensorMap = {};
    for (const [k, t] of this.m) out[`m/${k}`] = t;
    for (const [k, t] of this.v) out[`v/${k}`] = t;
    return out;
  }

  /** Restores moments saved by `state()` and the update count. */
  restore(state: NamedTensorMap, t: number): void {
    this.dispose();
    for (const [key, value] of Object.entries(state)) {
      const [kind, ...rest] = key.split('/');
      (kind === 'm' ? this.m : this.v).set(rest.join('/'), tf.variable(value, false));
      value.dispose();
    }
    this.t = t;
  }

  /** Frees the moments. */
  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** Learning rate at `step` (0-based): linear warm-up over `warmup` steps, then linear decay to 0 at `total`. */
export function learningRate(step: number, peak: number, warmup: number, total: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return peak * Math.max(0, (total - step) / Math.max(1, total - warmup));
}
