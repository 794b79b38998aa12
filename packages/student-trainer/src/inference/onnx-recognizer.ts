import fs from 'node:fs';
import path from 'node:path';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { CmvnStats } from '@speechkd/audio-features';
import type { Recognizer } from '@speechkd/wer';
import { loadModel, readModelManifest } from '../model/io.js';
import { FEATURE_BINS, normalizedFeatures, transcribeByLength } from './features.js';
import { decodeLogits } from './decode-logits.js';
import { ONNX_IO, exportOnnx } from './onnx-export.js';
import type { RecognizerOptions } from './recognizer.js';

/** The session API this recognizer uses (onnxruntime-node's InferenceSession). */
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release?(): Promise<void>;
}

/** Options of `loadOnnxRecognizer`. */
export interface OnnxRecognizerOptions extends RecognizerOptions {
  /** onnxruntime intra-op threads (default 1: the RTF figures are per core). */
  threads?: number;
}

/** File name of the exported graph inside a model directory. */
export const ONNX_FILE = 'model.onnx';

/**
 * A saved student run through onnxruntime-node (CPU): the same features, CMVN and CTC decoding as
 * `StudentRecognizer`, with the network in an ONNX session (about 2-3x faster than tfjs on wasm).
 */
export class OnnxRecognizer implements Recognizer {
  constructor(
    private readonly session: OrtSession,
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly numMelBins: number,
    private readonly cmvn: CmvnStats | undefined,
    readonly name: string,
    private readonly opts: RecognizerOptions = {},
  ) {}

  async transcribe(samples: Float32Array, sampleRate: number): Promise<string> {
    return (await this.transcribeBatch([{ samples, sampleRate }]))[0];
  }

  async transcribeBatch(batch: ReadonlyArray<{ samples: Float32Array; sampleRate: number }>): Promise<string[]> {
    const feats = batch.map((a) => normalizedFeatures(a.samples, a.sampleRate, this.numMelBins, this.cmvn));
    return transcribeByLength(feats, this.opts.batchFrames ?? 4000, async (data, lengths) => {
      const maxT = data.length / lengths.length / FEATURE_BINS;
      const out = await this.session.run({
        [ONNX_IO.features]: new this.ort.Tensor('float32', data, [lengths.length, maxT, FEATURE_BINS]),
        [ONNX_IO.lengths]: new this.ort.Tensor('int64', BigInt64Array.from(lengths, (l) => BigInt(l)), [lengths.length]),
      });
      const logits = out[ONNX_IO.logits];
      const outLengths = Array.from(out[ONNX_IO.logitLengths].data as BigInt64Array, (v) => Number(v));
      return tf.tidy(() => decodeLogits(tf.tensor3d(logits.data as Float32Array, logits.dims as [number, number, number]), outLengths, this.opts));
    });
  }

  async dispose(): Promise<void> {
    await this.session.release?.();
  }
}

/**
 * Loads a saved model directory as an ONNX-runtime recognizer: `<dir>/model.onnx` when present (written
 * by `speechkd-train export-onnx`), otherwise the tfjs weights are exported in memory first.
 */
export async function loadOnnxRecognizer(dir: string, options: OnnxRecognizerOptions = {}): Promise<OnnxRecognizer> {
  await initBackend({ log: null });
  const manifest = readModelManifest(dir);
  const file = path.join(dir, ONNX_FILE);
  let bytes: Uint8Array;
  if (fs.existsSync(file)) {
    bytes = fs.readFileSync(file);
  } else {
    const { model } = loadModel(dir);
    try {
      bytes = exportOnnx(model);
    } finally {
      model.dispose();
    }
  }
  const ort = await import('onnxruntime-node');
  const threads = options.threads ?? 1;
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const cmvn = manifest.cmvn ? CmvnStats.fromJSON(manifest.cmvn, `${dir}/model.json cmvn`) : undefined;
  return new OnnxRecognizer(session as unknown as OrtSession, ort, manifest.modelConfig.numMelBins, cmvn, options.name ?? `${manifest.modelConfig.name} (${manifest.precision}, onnxruntime)`, options);
}
