import { tf } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { AdamWOptions, CheckpointableOptimizer } from './optimizer.js';

/** One step's factors, the same for every range of the vector (from `HostAdamW.beginStep`). */
export interface HostAdamWStep {
  /** The optimizer step (1-based, for the bias corrections). */
  step: number;
  lr: number;
  /** The clipping factor applied to the gradient (1 = not clipped). */
  scale: number;
  /** The moment buffers (0 or 1) that hold the moments before this step; the step writes the other pair. */
  from: number;
}

/**
 * The optimizer's state in host memory, shareable across threads: two pairs of moment buffers (a step reads
 * one pair and writes the other, so a step that fails part way leaves the moments before it intact) and
 * the decay mask.
 */
export interface HostAdamWState {
  m: [Float32Array, Float32Array];
  v: [Float32Array, Float32Array];
  /** 1 for matrices (decayed), 0 for vectors, per scalar. */
  decay: Uint8Array;
}

/** A shared `HostAdamWState`'s buffers, to hand to another thread (`openHostAdamWState` there). */
export interface SharedHostAdamWState {
  m: SharedArrayBuffer[];
  v: SharedArrayBuffer[];
  decay: SharedArrayBuffer;
}

/** The buffers of a state made with `shared: true`. */
export function shareHostAdamWState(state: HostAdamWState): SharedHostAdamWState {
  const buffer = (a: Float32Array | Uint8Array): SharedArrayBuffer => {
    if (!(a.buffer instanceof SharedArrayBuffer)) throw new Error('shareHostAdamWState: the optimizer was not made with shared: true');
    return a.buffer;
  };
  return { m: state.m.map(buffer), v: state.v.map(buffer), decay: buffer(state.decay) };
}

/** The state over buffers another thread shared (`shareHostAdamWState`). */
export function openHostAdamWState(shared: SharedHostAdamWState): HostAdamWState {
  const pair = (b: SharedArrayBuffer[]): [Float32Array, Float32Array] => [new Float32Array(b[0]), new Float32Array(b[1])];
  return { m: pair(shared.m), v: pair(shared.v), decay: new Uint8Array(shared.decay) };
}

/**
 * AdamW over [lo, hi) of the flat vectors: the range's share of one step, so participants can each update
 * their own range of shared weights and moments (the result does not depend on the split). Reads the moments
 * of buffer `st.from` and writes the other buffer. A standalone function with every input an argument: V8
 * compiles it to a tight loop (as a method reading its fields it was an order of magnitude slower once
 * re-optimized).
 */
export function adamwRange(o: AdamWOptions, st: HostAdamWStep, state: HostAdamWState, weights: Float32Array, grad: Float32Array, lo: number, hi: number): void {
  const to = 1 - st.from;
  updateRange(
    weights, grad, state.m[st.from], state.v[st.from], state.m[to], state.v[to], state.decay, lo, hi,
    st.scale, st.lr, o.beta1, o.beta2, 1 - o.beta1 ** st.step, 1 - o.beta2 ** st.step, o.epsilon, 1 - st.lr * o.weightDecay,
  );
}

function updateRange(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, mOut: Float32Array, vOut: Float32Array, decay: Uint8Array, lo: number, hi: number,
  scale: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, eps: number, keep: number,
): void {
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  for (let i = lo; i < hi; i++) {
    const gi = g[i] * scale;
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    const wi = decay[i] === 1 ? w[i] * keep : w[i];
    w[i] = wi - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}

/** Sum of squares of `g` over [lo, hi) (float64). */
function sumSquares(g: Float32Array, lo = 0, hi = g.length): number {
  let sq = 0;
  for (let i = lo; i < hi; i++) sq += g[i] * g[i];
  return sq;
}

/**
 * AdamW on flat host vectors (`Float32Array`s), for data-parallel training: the summed gradient already lives
 * on the host (shared memory), and one fused loop over it beats a dozen wasm kernels over the same 10+ MB;
 * the new weights are written straight into the shared weight vector the replicas read. Same rule as `AdamW`
 * (bias correction, decoupled weight decay on matrices only, clipping to a global norm) and the same
 * checkpoint format (moments saved per name as `<name>/m`, `<name>/v`), so a run can move between the two.
 * With `shared`, the moments live in shared memory (`state`), so helper threads can update their own ranges:
 * `beginStep` once, `adamwRange` per range on any thread, then `commitStep` (a step never committed, e.g.
 * because a helper died during it, leaves the moments and the step count as they were).
 */
export class HostAdamW implements CheckpointableOptimizer {
  /** Optimizer steps applied so far. */
  step = 0;
  readonly opts: AdamWOptions;
  private readonly names: string[];
  private readonly shapes: number[][];
  private readonly sizes: number[];
  /** Moments and decay mask (in shared memory with `shared`). */
  readonly state: HostAdamWState;
  /** The moment buffers that hold the current moments. */
  private current = 0;

  /** `layout`: the trained variables' names and shapes in flat-vector order. */
  constructor(options: AdamWOptions, layout: { names: string[]; shapes: number[][] }, o: { shared?: boolean } = {}) {
    this.opts = options;
    this.names = layout.names;
    this.shapes = layout.shapes;
    this.sizes = layout.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const bytes = (n: number) => (o.shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
    const decay = new Uint8Array(bytes(total));
    let off = 0;
    this.shapes.forEach((s, i) => {
      if (s.length >= 2) decay.fill(1, off, off + this.sizes[i]);
      off += this.sizes[i];
    });
    const pair = (): [Float32Array, Float32Array] => [new Float32Array(bytes(4 * total)), new Float32Array(bytes(4 * total))];
    this.state = { m: pair(), v: pair(), decay };
  }

  /**
   * Starts a step from the summed gradient's global norm: null (nothing to apply) when `skip` or the norm is
   * not finite, else the step's factors (clipping to `clipNorm`, 0 = none). Nothing changes until `commitStep`.
   */
  beginStep(norm: number, lr: number, clipNorm: number, skip = false): HostAdamWStep | null {
    if (skip || !Number.isFinite(norm)) return null;
    return { step: this.step + 1, lr, scale: clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1, from: this.current };
  }

  /** Makes a step whose every range was updated the current state (its moments, its step count). */
  commitStep(st: HostAdamWStep): void {
    if (st.step !== this.step + 1 || st.from !== this.current) throw new Error(`HostAdamW.commitStep: step ${st.step} does not follow step ${this.step}`);
    this.step = st.step;
    this.current = 1 - st.from;
  }

  /**
   * Clips `grad` to global L2 norm `clipNorm` (0 = no clipping) and, unless `skip` or the norm is not finite,
   * updates `weights` in place with learning rate `lr`. Returns the norm before clipping.
   */
  apply(weights: Float32Array, grad: Float32Array, lr: number, clipNorm: number, skip = false): number {
    const n = this.state.decay.length;
    if (weights.length !== n || grad.length !== n) throw new Error(`HostAdamW.apply: weights (${weights.length}) and grad (${grad.length}) must have ${n} values`);
    const norm = Math.sqrt(sumSquares(grad));
    const st = this.beginStep(norm, lr, clipNorm, skip);
    if (st) {
      adamwRange(this.opts, st, this.state, weights, grad, 0, n);
      this.commitStep(st);
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
      const { m, v } = this.moments();
      out.push([`${n}/m`, tf.tensor(m.slice(off, off + size), this.shapes[i])], [`${n}/v`, tf.tensor(v.slice(off, off + size), this.shapes[i])]);
      off += size;
    });
    return out;
  }

  /** Restores moments written by `stateTensors` (or by `AdamW`) and the step count. */
  loadState(step: number, values: Map<string, { shape: number[]; values: Float32Array }>): void {
    this.step = step;
    let off = 0;
    this.names.forEach((n, i) => {
      const { m, v } = this.moments();
      for (const [which, arr] of [['m', m], ['v', v]] as const) {
        const saved = values.get(`${n}/${which}`);
        if (saved) arr.set(saved.values, off);
        else arr.fill(0, off, off + this.sizes[i]);
      }
      off += this.sizes[i];
    });
  }

  /** The current moments. */
  moments(): { m: Float32Array; v: Float32Array } {
    return { m: this.state.m[this.current], v: this.state.v[this.current] };
  }

  /** Nothing to free (host memory); present for the optimizer interface. */
  dispose(): void {}
}
