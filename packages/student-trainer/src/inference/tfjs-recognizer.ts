import { initBackend, tf } from '@speechkd/tensor-backend';
import { CmvnStats } from '@speechkd/audio-features';
import { decodeLogits, normalizedFeatures, studentFeatureSpec, transcribeByLength } from '@speechkd/recognizer';
import type { FeatureSpec, RecognizerOptions } from '@speechkd/recognizer';
import type { Recognizer } from '@speechkd/wer';
import { loadModel } from '../model/io.js';
import type { StudentModel } from '../model/student.js';

/**
 * A student on tfjs (the training engine) as a `@speechkd/wer` Recognizer, with the features and decoders of
 * `@speechkd/recognizer`: for a model that has not been exported (the trainer's dev evaluation, tests). A
 * deployment loads the exported model folder with `@speechkd/recognizer` instead.
 */
export class StudentRecognizer implements Recognizer {
  private readonly spec: FeatureSpec;

  constructor(
    readonly model: StudentModel,
    private readonly cmvn: CmvnStats | undefined,
    readonly name: string,
    private readonly opts: RecognizerOptions = {},
  ) {
    this.spec = studentFeatureSpec(model.config.numMelBins);
  }

  /** Transcribes one utterance (mono samples in [-1, 1)). */
  async transcribe(samples: Float32Array, sampleRate: number): Promise<string> {
    return (await this.transcribeBatch([{ samples, sampleRate }]))[0];
  }

  /** Transcribes several utterances, batched by length; results in input order. */
  async transcribeBatch(batch: ReadonlyArray<{ samples: Float32Array; sampleRate: number }>): Promise<string[]> {
    const bins = this.model.config.numMelBins;
    const feats = batch.map((a) => normalizedFeatures(a.samples, a.sampleRate, this.spec, this.cmvn));
    return transcribeByLength(feats, this.opts.batchFrames ?? 4000, 7, '', (data, lengths) => {
      let outLengths: number[] = [];
      const logits = tf.tidy(() => {
        const out = this.model.forward(tf.tensor3d(data, [lengths.length, data.length / lengths.length / bins, bins]), lengths);
        outLengths = out.outputLengths;
        return out.logits;
      });
      const scores = { data: logits.dataSync() as Float32Array, dims: logits.shape.slice() };
      logits.dispose();
      return decodeLogits(scores, outLengths, this.opts);
    });
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/** Loads a saved training bundle (model.json + weights.bin, any precision) as a Recognizer on tfjs. */
export async function loadTfjsRecognizer(dir: string, options: RecognizerOptions = {}): Promise<StudentRecognizer> {
  await initBackend({ log: null });
  const { model, manifest } = loadModel(dir);
  const cmvn = manifest.cmvn ? CmvnStats.fromJSON(manifest.cmvn, `${dir}/model.json cmvn`) : undefined;
  return new StudentRecognizer(model, cmvn, options.name ?? `${manifest.modelConfig.name} (${manifest.precision})`, options);
}
