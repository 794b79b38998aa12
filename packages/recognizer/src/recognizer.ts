import { CmvnStats } from '@speechkd/audio-features';
import { CHAR_VOCAB } from '@speechkd/text-encoders/chars';
import type { Recognizer } from '@speechkd/wer';
import { CharNgramLm } from './decode/char-ngram-lm.js';
import { decodeLogits } from './decode/decode-logits.js';
import type { DecoderOptions } from './decode/decode-logits.js';
import type { EngineFactory, InferenceEngine } from './engine/engine.js';
import { normalizedFeatures, transcribeByLength } from './features.js';
import { DTYPES } from './folder/dtype.js';
import type { Dtype } from './folder/dtype.js';
import { RECOGNIZER_MANIFEST, parseManifest } from './folder/manifest.js';
import type { RecognizerManifest } from './folder/manifest.js';
import { ModelFolderError } from './folder/model-folder-error.js';
import { readJson } from './folder/model-source.js';
import type { ModelSource } from './folder/model-source.js';

/** Options of a recognizer: decoding, report name and batching. */
export interface RecognizerOptions extends DecoderOptions {
  /** Name shown in reports (default: `<model> (<dtype>, <engine>)`). */
  name?: string;
  /** Padded feature frames per batch in `transcribeBatch` (default 4000). */
  batchFrames?: number;
}

/** Options of `openRecognizer` (and of the entries' `loadRecognizer`). */
export interface OpenRecognizerOptions extends RecognizerOptions {
  /** ONNX variant (default: fp32 in Node, q8 in the browser, as transformers.js). */
  dtype?: Dtype;
  /** Intra-op threads of the engine (onnxruntime-node; default 1, so RTF figures are per core). */
  threads?: number;
  /**
   * When the caller names no `decoder` and the folder has an LM: decode with it and the folder's decoding
   * settings (default true); false keeps greedy decoding.
   */
  folderLm?: boolean;
}

/** Milliseconds spent per stage of one transcription. */
export interface StageTimings {
  /** Resampling, fbank and CMVN. */
  featuresMs: number;
  /** The ONNX network. */
  networkMs: number;
  /** Greedy or beam search (with the LM). */
  searchMs: number;
}

/** A transcript with the time each stage took. */
export interface TimedTranscript {
  text: string;
  /** Duration of the input audio in seconds. */
  audioSeconds: number;
  timings: StageTimings;
}

/**
 * A model folder's network in an inference engine, wrapped as a `@speechkd/wer` Recognizer: audio ->
 * resample -> fbank -> the folder's CMVN -> network -> greedy or prefix beam search (optionally with a
 * character LM). The same code runs in Node (onnxruntime-node) and in a page (onnxruntime-web).
 */
export class ModelRecognizer implements Recognizer {
  private readonly cmvn: CmvnStats | undefined;

  constructor(
    /** The folder's manifest. */
    readonly manifest: RecognizerManifest,
    private readonly engine: InferenceEngine,
    /** The ONNX variant in use. */
    readonly dtype: Dtype,
    /** Size of that variant's file in bytes. */
    readonly modelBytes: number,
    readonly name: string,
    private readonly opts: RecognizerOptions = {},
  ) {
    const cmvn = manifest.features.cmvn;
    this.cmvn = cmvn ? CmvnStats.fromJSON(cmvn, `${RECOGNIZER_MANIFEST} features.cmvn`) : undefined;
  }

  /** The engine's name and version, e.g. `onnxruntime-web 1.31.0`. */
  get engineName(): string {
    return this.engine.name;
  }

  /** Normalized features of one utterance. */
  private features(samples: Float32Array, sampleRate: number): { data: Float32Array; frames: number } {
    return normalizedFeatures(samples, sampleRate, this.manifest.features, this.cmvn);
  }

  /** Transcribes one utterance (mono samples in [-1, 1)). */
  async transcribe(samples: Float32Array, sampleRate: number): Promise<string> {
    return (await this.transcribeTimed(samples, sampleRate)).text;
  }

  /** Transcribes one utterance and times its stages. */
  async transcribeTimed(samples: Float32Array, sampleRate: number): Promise<TimedTranscript> {
    const t0 = performance.now();
    const feats = this.features(samples, sampleRate);
    const t1 = performance.now();
    let t2 = t1;
    const [text] = await transcribeByLength([feats], Infinity, this.manifest.onnx.minFrames, '', async (data, lengths) => {
      const out = await this.engine.run({ features: data, dims: [1, lengths[0], data.length / lengths[0]], lengths });
      t2 = performance.now();
      return decodeLogits({ data: out.logits, dims: out.dims }, out.lengths, this.opts);
    });
    const t3 = performance.now();
    return { text, audioSeconds: samples.length / sampleRate, timings: { featuresMs: t1 - t0, networkMs: t2 - t1, searchMs: t3 - t2 } };
  }

  /** Transcribes several utterances, batched by length; results in input order. */
  async transcribeBatch(batch: ReadonlyArray<{ samples: Float32Array; sampleRate: number }>): Promise<string[]> {
    const feats = batch.map((a) => this.features(a.samples, a.sampleRate));
    return transcribeByLength(feats, this.opts.batchFrames ?? 4000, this.manifest.onnx.minFrames, '', async (data, lengths) => {
      const maxT = Math.max(...lengths);
      const out = await this.engine.run({ features: data, dims: [lengths.length, maxT, data.length / lengths.length / maxT], lengths });
      return decodeLogits({ data: out.logits, dims: out.dims }, out.lengths, this.opts);
    });
  }

  /** Frees the engine's session. */
  async dispose(): Promise<void> {
    await this.engine.release();
  }
}

/** Reads and validates a folder's `recognizer.json`. */
export async function readManifest(source: ModelSource): Promise<RecognizerManifest> {
  return parseManifest(await readJson(source, RECOGNIZER_MANIFEST), `${source.label}/${RECOGNIZER_MANIFEST}`);
}

/** Reads a folder's character LM (`lm.json`). */
export async function readFolderLm(source: ModelSource, manifest: RecognizerManifest): Promise<CharNgramLm | undefined> {
  if (!manifest.lm) return undefined;
  return CharNgramLm.fromJSON(await readJson(source, manifest.lm), `${source.label}/${manifest.lm}`);
}

/**
 * Opens a model folder: reads its manifest, the ONNX variant of `dtype` (checking its size) and, when decoding
 * uses it, its LM; creates the engine. Errors name the folder and file.
 */
export async function openRecognizer(source: ModelSource, createEngine: EngineFactory, options: OpenRecognizerOptions & { dtype: Dtype }): Promise<ModelRecognizer> {
  const manifest = await readManifest(source);
  if (manifest.vocab.length !== CHAR_VOCAB.length || manifest.vocab.some((s, i) => s !== CHAR_VOCAB[i]) || manifest.blank !== 0) {
    throw new ModelFolderError(`${source.label}/${RECOGNIZER_MANIFEST}: vocab is not the CTC character vocabulary (blank, space, apostrophe, A-Z), the only one this runtime decodes`);
  }
  const variant = manifest.onnx.variants[options.dtype];
  if (!variant) {
    const have = DTYPES.filter((d) => manifest.onnx.variants[d]);
    throw new ModelFolderError(`${source.label}: no ${options.dtype} variant (the folder has ${have.join(', ')}); pass dtype ${have.map((d) => `"${d}"`).join(' or ')}`);
  }
  const bytes = await source.read(variant.file);
  if (bytes.length !== variant.bytes) throw new ModelFolderError(`${source.label}/${variant.file}: ${bytes.length} bytes, the manifest says ${variant.bytes} (truncated or replaced file)`);
  let decoding: RecognizerOptions = options;
  if (options.decoder === undefined && options.folderLm !== false && manifest.decoding.decoder === 'beam') {
    const lm = await readFolderLm(source, manifest);
    decoding = { ...manifest.decoding, lm, ...options, decoder: 'beam' };
  }
  const engine = await createEngine(bytes, { io: manifest.onnx, threads: options.threads });
  const name = options.name ?? `${manifest.name} (${options.dtype}, ${engine.name.split(' ')[0]})`;
  return new ModelRecognizer(manifest, engine, options.dtype, bytes.length, name, decoding);
}
