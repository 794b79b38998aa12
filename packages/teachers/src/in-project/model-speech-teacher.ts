import { tf } from '@speechkd/tensor-backend';
import type { Tensor1D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import { TeachersArgumentError } from '../errors.js';
import { canonicalJson, sha1Parts } from '../fingerprint.js';
import type { SpeechExtractOptions, SpeechTeacher, SpeechTeacherOutput } from '../speech-teacher.js';

/** Log-mel features of one utterance, row-major `[numFrames, numBins]`. */
export interface FeatureFrames {
  data: Float32Array;
  numFrames: number;
  numBins: number;
}

/** The parts of the trainer's `StudentModel` a teacher uses (structural, so any such model fits). */
export interface HiddenStateModel {
  readonly config: { name: string; numMelBins: number; dim: number; numLayers: number; vocabSize: number };
  readonly params: { readonly vars: ReadonlyMap<string, Variable> };
  /** features [batch, frames, bins] -> logits [batch, frames', vocab], hidden states each [batch, frames', dim]. */
  forward(
    features: Tensor3D,
    lengths: ArrayLike<number>,
    options: { training?: boolean; returnHidden?: boolean },
  ): { logits: Tensor3D; logitLengths: Tensor1D; outputLengths: number[]; hiddenStates: Tensor3D[] };
  dispose(): void;
}

/** Options of `createModelSpeechTeacher`. */
export interface ModelSpeechTeacherOptions {
  /** 16 kHz samples in [-1, 1] -> normalized features the model was trained on (fbank + CMVN). */
  features: (samples: Float32Array) => FeatureFrames;
  /** Feature frames per second (100 for a 10 ms shift). */
  featureRate: number;
  /** Time subsampling of the model (4 for the x4 conv front end). */
  subsampling: number;
  /** Everything about the features that changes outputs (fbank options, CMVN stats hash); part of the fingerprint. */
  featureConfig: unknown;
  /** Display name, e.g. `teacher-m(runs/teacher)`. */
  name?: string;
  /** Fingerprint override (e.g. a hash of the checkpoint files); default hashes the parameters. */
  fingerprint?: string;
  /** Dispose the model with the teacher (default true). */
  ownsModel?: boolean;
}

/** sha1 over every parameter (name, shape, values in creation order) plus the model config. */
export function modelFingerprint(model: HiddenStateModel, extra: unknown): string {
  const parts: Array<Uint8Array | string> = [canonicalJson({ config: model.config, extra })];
  for (const [name, v] of model.params.vars) {
    const data = v.dataSync() as Float32Array;
    parts.push(`${name}:${v.shape.join('x')}`, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return sha1Parts(parts);
}

class ModelSpeechTeacher implements SpeechTeacher {
  readonly sampleRate = 16000;
  readonly frameRate: number;
  readonly dim: number;
  readonly numLayers: number;
  readonly vocabSize: number;

  constructor(
    private readonly model: HiddenStateModel,
    private readonly opts: ModelSpeechTeacherOptions,
    readonly name: string,
    readonly fingerprint: string,
  ) {
    this.frameRate = opts.featureRate / opts.subsampling;
    this.dim = model.config.dim;
    this.numLayers = model.config.numLayers;
    this.vocabSize = model.config.vocabSize;
  }

  async extract(samples: Float32Array, options: SpeechExtractOptions = {}): Promise<SpeechTeacherOutput> {
    const layers = options.layers ?? Array.from({ length: this.numLayers + 1 }, (_, i) => i);
    for (const l of layers) {
      if (!Number.isInteger(l) || l < 0 || l > this.numLayers) throw new TeachersArgumentError(`${this.name}: layer ${l} outside 0..${this.numLayers}`);
    }
    const feats = this.opts.features(samples);
    if (feats.numBins !== this.model.config.numMelBins) {
      throw new TeachersArgumentError(`${this.name}: features have ${feats.numBins} bins, the model expects ${this.model.config.numMelBins}`);
    }
    // Hidden states come back in the HF order: subsampling output (0), then each block's output.
    // Tensors leave the tidy scope and are read outside it: tf.tidy walks a returned value element by
    // element looking for tensors, which for typed arrays costs ~1 us per element.
    const outs = tf.tidy(() => {
      const x = tf.tensor3d(feats.data, [1, feats.numFrames, feats.numBins]);
      const out = this.model.forward(x, [feats.numFrames], { training: false, returnHidden: true });
      return [out.logits, ...layers.map((l) => out.hiddenStates[l])];
    });
    const numFrames = outs[0].shape[1] as number;
    const logits = (options.logits ?? true) ? (outs[0].dataSync() as Float32Array) : undefined;
    const hidden = outs.slice(1).map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    const hiddenStates: Array<Float32Array | undefined> = new Array(this.numLayers + 1).fill(undefined);
    layers.forEach((l, i) => (hiddenStates[l] = hidden[i]));
    return { hiddenStates, logits, numFrames, frameRate: this.frameRate, dim: this.dim, numLayers: this.numLayers, vocabSize: this.vocabSize };
  }

  async dispose(): Promise<void> {
    if (this.opts.ownsModel ?? true) this.model.dispose();
  }
}

/** Wraps an in-project model (e.g. the trainer's `teacher-m`) as a SpeechTeacher: features -> forward(returnHidden). */
export function createModelSpeechTeacher(model: HiddenStateModel, options: ModelSpeechTeacherOptions): SpeechTeacher {
  const fingerprint = options.fingerprint ?? modelFingerprint(model, { features: options.featureConfig, featureRate: options.featureRate, subsampling: options.subsampling });
  return new ModelSpeechTeacher(model, options, options.name ?? model.config.name, fingerprint);
}
