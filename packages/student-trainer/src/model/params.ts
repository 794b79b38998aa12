import { tf } from '@speechkd/tensor-backend';
import { Rng } from '@speechkd/random';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** Named trainable variables of a model, created with a seeded initializer. */
export class ParamStore {
  /** Variables by name, in creation order (the order is part of the save format). */
  readonly vars = new Map<string, Variable>();
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Glorot-uniform matrix [fanIn, fanOut] times `gain` (fans can be overridden for conv kernels). */
  glorot(name: string, shape: number[], fanIn = shape[0], fanOut = shape[shape.length - 1], gain = 1): Variable {
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (this.rng.next() * 2 - 1) * limit;
    return this.add(name, tf.tensor(data, shape));
  }

  /** Constant-filled parameter (biases, LayerNorm gains). */
  constant(name: string, shape: number[], value: number): Variable {
    return this.add(name, tf.fill(shape, value));
  }

  /** Registers a tensor as a trainable variable under a unique name (takes ownership of `init`). */
  add(name: string, init: Tensor): Variable {
    if (this.vars.has(name)) throw new Error(`ParamStore: duplicate parameter name "${name}"`);
    const v = tf.variable(init, true, `${name}_${uid++}`);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Looks up a variable; throws naming the parameter when absent. */
  get(name: string): Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`ParamStore: no parameter "${name}"`);
    return v;
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

// tfjs variable names must be globally unique per process; models may be created many times.
let uid = 0;
