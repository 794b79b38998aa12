import { tf } from '@speechkd/tensor-backend';
import { resolveModelConfig, subsampledLength } from './config.js';
import type { ModelConfig } from './config.js';
import { ParamStore } from './params.js';
import { assertRank, lengthMask, linear, sinusoidalPositions, dropout } from './ops.js';
import { initSubsampling, subsample } from './subsampling.js';
import { conformerBlock, initBlock } from './conformer-block.js';
import type { BlockContext } from './conformer-block.js';
import { mixSeed } from '@speechkd/random';
import type { Tensor1D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';

/** Options of `StudentModel.forward`. */
export interface ForwardOptions {
  /** Enables dropout. Default false. */
  training?: boolean;
  /** Return every block's output (plus the subsampling output) in `hiddenStates`. Default false. */
  returnHidden?: boolean;
  /** Return attention probabilities of every block. Default false. */
  returnAttention?: boolean;
  /** Seed of the dropout masks of this call (vary it per step). Default 0. */
  dropoutSeed?: number;
  /**
   * Dropout key of each utterance (default: its position in this batch). Data-parallel training passes the
   * utterances' positions in the global batch, so a slice draws the masks the whole batch would have.
   */
  itemKeys?: readonly number[];
}

/** Output of `StudentModel.forward`; every tensor lives in the caller's tidy scope. */
export interface ForwardOutput {
  /** Unnormalized CTC logits [batch, frames', vocab]. */
  logits: Tensor3D;
  /** Valid output frames per utterance, int32 [batch]. */
  logitLengths: Tensor1D;
  /** The same lengths on the host. */
  outputLengths: number[];
  /** Subsampling output then each block's output, each [batch, frames', dim] (empty unless requested). */
  hiddenStates: Tensor3D[];
  /** Attention probabilities per block, each [batch, heads, frames', frames'] (when requested). */
  attentions?: Tensor4D[];
}

/** Single-tower Conformer-style CTC model over characters; it knows nothing about teachers. */
export class StudentModel {
  /** Resolved architecture. */
  readonly config: ModelConfig;
  /** Trainable variables by name. */
  readonly params: ParamStore;

  constructor(config: ModelConfig, params: ParamStore) {
    this.config = config;
    this.params = params;
  }

  /** Number of scalar parameters. */
  numParams(): number {
    return this.params.count();
  }

  /** features [batch, frames, bins] + lengths [batch] (host ints) -> logits and (optionally) hidden states. */
  forward(features: Tensor3D, lengths: ArrayLike<number>, options: ForwardOptions = {}): ForwardOutput {
    assertRank(features, 3, 'StudentModel.forward', 'features');
    const [b, , bins] = features.shape;
    if (bins !== this.config.numMelBins) {
      throw new Error(`StudentModel.forward: argument "features" must have ${this.config.numMelBins} bins, got ${bins}`);
    }
    if (lengths.length !== b) throw new Error(`StudentModel.forward: argument "lengths" has ${lengths.length} entries for batch ${b}`);
    if (options.itemKeys && options.itemKeys.length !== b) throw new Error(`StudentModel.forward: argument "itemKeys" has ${options.itemKeys.length} entries for batch ${b}`);
    const training = options.training ?? false;
    const baseSeed = options.dropoutSeed ?? 0;
    let calls = 0;
    const p = this.params;
    const cfg = this.config;
    const outputLengths = Array.from(lengths, (l) => subsampledLength(l));
    let x = subsample(p, features);
    const t = x.shape[1];
    const mask2 = lengthMask(outputLengths, t);
    const ctx: BlockContext = {
      mask: tf.expandDims(mask2, 2),
      attnBias: tf.reshape(tf.mul(tf.sub(1, mask2), -1e9), [b, 1, 1, t]),
      training,
      nextSeed: () => mixSeed(baseSeed, calls++),
      itemKeys: options.itemKeys,
      attentions: options.returnAttention ? [] : undefined,
    };
    x = tf.add(x, sinusoidalPositions(t, cfg.dim)) as Tensor3D;
    x = dropout(x, cfg.dropout, training, ctx.nextSeed(), options.itemKeys) as Tensor3D;
    const hiddenStates: Tensor3D[] = [];
    if (options.returnHidden) hiddenStates.push(x);
    for (let i = 0; i < cfg.numLayers; i++) {
      x = conformerBlock(p, cfg, i, x, ctx) as Tensor3D;
      if (options.returnHidden) hiddenStates.push(x);
    }
    const logits = linear(x, p.get('head/w'), p.get('head/b')) as Tensor3D;
    return {
      logits,
      logitLengths: tf.tensor1d(outputLengths, 'int32'),
      outputLengths,
      hiddenStates,
      attentions: ctx.attentions as Tensor4D[] | undefined,
    };
  }

  /** Disposes all variables. */
  dispose(): void {
    this.params.dispose();
  }
}

/** Builds a model from a preset name or config with seeded initialization. */
export function createStudent(config: string | ModelConfig, options: { seed?: number; overrides?: Partial<ModelConfig> } = {}): StudentModel {
  const cfg = resolveModelConfig(config, options.overrides);
  const p = new ParamStore(options.seed ?? 1);
  initSubsampling(p, cfg);
  for (let i = 0; i < cfg.numLayers; i++) initBlock(p, cfg, i);
  p.glorot('head/w', [cfg.dim, cfg.vocabSize]);
  p.constant('head/b', [cfg.vocabSize], 0);
  return new StudentModel(cfg, p);
}
