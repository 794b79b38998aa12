import { initBackend, tf } from '@speechkd/tensor-backend';
import { CmvnStats } from '@speechkd/audio-features';
import type { Recognizer } from '@speechkd/wer';
import { ModelIoError, loadModel } from '../model/io.js';
import { loadOnnxRecognizer } from './onnx-recognizer.js';
import type { OnnxRecognizer, OnnxRecognizerOptions } from './onnx-recognizer.js';
import type { StudentModel } from '../model/student.js';
import { FEATURE_BINS, normalizedFeatures, transcribeByLength } from './features.js';
import { decodeLogits } from './decode-logits.js';
import type { DecoderOptions } from './decode-logits.js';

/** Options of `loadRecognizer`. */
export interface RecognizerOptions extends DecoderOptions {
  /** Name shown in reports (default: `<preset> (<precision>)`). */
  name?: string;
  /** Padded frames per batch in `transcribeBatch` (default 4000; wasm memory is limited). */
  batchFrames?: number;
}

/** A student model wrapped as a `@speechkd/wer` Recognizer: fbank + saved CMVN + model + CTC decoding. */
export class StudentRecognizer implements Recognizer {
  readonly name: string;
  readonly model: StudentModel;
  private readonly cmvn: CmvnStats | undefined;
  private readonly opts: RecognizerOptions;

  constructor(model: StudentModel, cmvn: CmvnStats | undefined, name: string, options: RecognizerOptions = {}) {
    this.model = model;
    this.cmvn = cmvn;
    this.name = name;
    this.opts = options;
  }

  /** Normalized features of one utterance. */
  private features(samples: Float32Array, sampleRate: number): { data: Float32Array; frames: number } {
    return normalizedFeatures(samples, sampleRate, this.model.config.numMelBins, this.cmvn);
  }

  /** Transcribes one utterance (mono samples in [-1, 1)). */
  async transcribe(samples: Float32Array, sampleRate: number): Promise<string> {
    return (await this.transcribeBatch([{ samples, sampleRate }]))[0];
  }

  /** Transcribes several utterances, batched by length; results in input order. */
  async transcribeBatch(batch: ReadonlyArray<{ samples: Float32Array; sampleRate: number }>): Promise<string[]> {
    const feats = batch.map((a) => this.features(a.samples, a.sampleRate));
    return transcribeByLength(feats, this.opts.batchFrames ?? 4000, (data, lengths) =>
      tf.tidy(() => {
        const x = tf.tensor3d(data, [lengths.length, data.length / lengths.length / FEATURE_BINS, FEATURE_BINS]);
        const o = this.model.forward(x, lengths);
        return decodeLogits(o.logits, o.outputLengths, this.opts);
      }),
    );
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/** Options of `loadRecognizer`: the engine and, for onnxruntime, its thread count. */
export interface LoadRecognizerOptions extends OnnxRecognizerOptions {
  /** tfjs (the training engine, default) or onnx (the exported graph in onnxruntime, faster on CPU). */
  engine?: 'tfjs' | 'onnx';
}

/** Loads a saved model directory (model.json + weights.bin, any precision) as a Recognizer on tfjs. */
export async function loadRecognizer(dir: string, options?: RecognizerOptions & { engine?: 'tfjs' }): Promise<StudentRecognizer>;
/** Loads a saved model directory as a Recognizer on onnxruntime (see `loadOnnxRecognizer`). */
export async function loadRecognizer(dir: string, options: LoadRecognizerOptions & { engine: 'onnx' }): Promise<OnnxRecognizer>;
export async function loadRecognizer(dir: string, options?: LoadRecognizerOptions): Promise<StudentRecognizer | OnnxRecognizer>;
export async function loadRecognizer(dir: string, options: LoadRecognizerOptions = {}): Promise<StudentRecognizer | OnnxRecognizer> {
  const engine = options.engine ?? 'tfjs';
  if (engine === 'onnx') return loadOnnxRecognizer(dir, options);
  if (engine !== 'tfjs') throw new ModelIoError(`loadRecognizer: engine must be tfjs or onnx, got "${String(engine)}"`);
  await initBackend();
  const { model, manifest } = loadModel(dir);
  const cmvn = manifest.cmvn ? CmvnStats.fromJSON(manifest.cmvn, `${dir}/model.json cmvn`) : undefined;
  return new StudentRecognizer(model, cmvn, options.name ?? `${manifest.modelConfig.name} (${manifest.precision})`, options);
}
