import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { checkHiddenStates, exposeIntermediateOutputs, float16ToFloat32, float32ToFloat16, OnnxGraphError } from '@speechkd/onnx-graph';
import { resolveModelFolder } from '@speechkd/onnx-graph/hub';
import type { ModelFolderOptions } from '@speechkd/onnx-graph/hub';
import { TeacherLoadError, TeachersArgumentError } from '../errors.js';
import { canonicalJson, sha1Parts } from '../fingerprint.js';
import type { SpeechExtractOptions, SpeechTeacher, SpeechTeacherOutput } from '../speech-teacher.js';
import { analyseSpeechGraph } from './speech-graph.js';
import type { SpeechGraphInfo } from './speech-graph.js';
import { convFrameRate, readModelConfig, readPreprocessorConfig, zeroMeanUnitVariance } from './wav2vec2-config.js';
import type { Wav2vec2Preprocessor } from './wav2vec2-config.js';

/** Options of `loadOnnxSpeechTeacher`. */
export interface OnnxSpeechTeacherOptions extends ModelFolderOptions {
  /** Model file relative to the folder; overrides `modelDtype` (default: the variant's `onnx/model<suffix>.onnx`, else `model<suffix>.onnx`). */
  modelFile?: string;
  /** ONNX Runtime intra-op threads (default: ORT's choice, all cores). */
  threads?: number;
}

function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') return float16ToFloat32(t.data as Uint16Array);
  throw new TeacherLoadError(`ONNX output of type ${t.type}; expected float32 or float16`);
}

class OnnxSpeechTeacher implements SpeechTeacher {
  readonly sampleRate: number;
  readonly numLayers: number;
  constructor(
    readonly name: string,
    readonly fingerprint: string,
    private readonly session: ort.InferenceSession,
    private readonly info: SpeechGraphInfo,
    private readonly pre: Wav2vec2Preprocessor,
    readonly frameRate: number,
    readonly dim: number,
    readonly vocabSize: number | null,
    readonly vocab?: readonly string[],
  ) {
    this.sampleRate = pre.samplingRate;
    this.numLayers = info.hiddenTensors.length - 1;
  }

  async extract(samples: Float32Array, options: SpeechExtractOptions = {}): Promise<SpeechTeacherOutput> {
    const layers = options.layers ?? this.info.hiddenTensors.map((_, i) => i);
    for (const l of layers) {
      if (!Number.isInteger(l) || l < 0 || l > this.numLayers) throw new TeachersArgumentError(`${this.name}: layer ${l} outside 0..${this.numLayers}`);
    }
    const x = this.pre.doNormalize ? zeroMeanUnitVariance(samples) : samples;
    const input = this.info.float16Input ? new ort.Tensor('float16', float32ToFloat16(x), [1, x.length]) : new ort.Tensor('float32', x, [1, x.length]);
    const feeds: Record<string, ort.Tensor> = { [this.info.inputNames[0]]: input };
    if (this.info.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(x.length).fill(1n), [1, x.length]);
    const wantLogits = (options.logits ?? true) && this.info.logitsOutput !== null;
    const fetch = [...new Set(layers.map((l) => this.info.hiddenTensors[l]))];
    if (wantLogits) fetch.push(this.info.logitsOutput!);
    const out = await this.session.run(feeds, fetch);
    const hiddenStates: Array<Float32Array | undefined> = new Array(this.numLayers + 1).fill(undefined);
    let numFrames = 0;
    for (const l of layers) {
      const t = out[this.info.hiddenTensors[l]];
      numFrames = t.dims[1];
      hiddenStates[l] = toFloat32(t);
    }
    const logits = wantLogits ? toFloat32(out[this.info.logitsOutput!]) : undefined;
    if (logits && !layers.length) numFrames = out[this.info.logitsOutput!].dims[1];
    for (const t of Object.values(out)) t.dispose();
    return { hiddenStates, logits, numFrames, frameRate: this.frameRate, dim: this.dim, numLayers: this.numLayers, vocabSize: this.vocabSize ?? undefined };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Loads a wav2vec 2.0 / HuBERT ONNX export, exposing every encoder layer's output as a graph output.
 * `source` is a model folder (`onnx/model<suffix>.onnx` or `model<suffix>.onnx` for the chosen
 * transformers.js `modelDtype`, `preprocessor_config.json`, optional `config.json`) or a hub id
 * (`owner/name`, fetched into the Hugging Face cache with `allowRemote`, else read from it). Input: raw
 * waveform at the preprocessor's `sampling_rate`, normalized per utterance when `do_normalize`; float16
 * when the graph takes float16. Frame rate from the conv strides (config.json, else the graph's Conv
 * nodes). Every hidden state is checked to be float `[1, frames, dim]` on a probe second of silence.
 */
export async function loadOnnxSpeechTeacher(source: string, options: OnnxSpeechTeacherOptions = {}): Promise<SpeechTeacher> {
  let folder;
  try {
    folder = options.modelFile ? { dir: source, modelFile: path.join(source, options.modelFile), label: path.basename(path.resolve(source)) }
      : await resolveModelFolder(source, { ...options, files: ['preprocessor_config.json'], optionalFiles: ['config.json', 'vocab.json'] });
  } catch (err) {
    if (err instanceof OnnxGraphError) throw new TeacherLoadError(err.message);
    throw err;
  }
  const { dir, modelFile: file } = folder;
  if (!fs.existsSync(file)) throw new TeacherLoadError(`${file}: no such model file`);
  const { config: pre, raw: rawPre } = readPreprocessorConfig(dir);
  const { config: mc, raw: rawModel } = readModelConfig(dir);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const info = analyseSpeechGraph(bytes, file, file);
  const convs = mc.convLayers ?? (info.convLayers.length ? info.convLayers : null);
  if (!convs) throw new TeacherLoadError(`${dir}: cannot tell the frame rate: no conv_kernel/conv_stride in config.json and no feature_extractor Conv nodes in the graph`);
  if (mc.numHiddenLayers !== null && mc.numHiddenLayers !== info.hiddenTensors.length - 1) {
    throw new TeacherLoadError(`${dir}: config.json says ${mc.numHiddenLayers} layers but the graph has ${info.hiddenTensors.length - 1}`);
  }
  const rewritten = exposeIntermediateOutputs(bytes, { names: info.hiddenTensors }).model;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(rewritten, {
      graphOptimizationLevel: 'all', ...(options.threads ? { intraOpNumThreads: options.threads } : {}), ...(info.externalData.length ? { externalData: info.externalData } : {}),
    });
  } catch (err) {
    throw new TeacherLoadError(`${file}: ONNX Runtime cannot load the model (${(err as Error).message.split('\n')[0]})`);
  }
  // One probe second of silence: every hidden state must be float [1, frames, dim] with one frames and dim.
  const x = new Float32Array(pre.samplingRate);
  const feeds: Record<string, ort.Tensor> = { [info.inputNames[0]]: info.float16Input ? new ort.Tensor('float16', float32ToFloat16(x), [1, x.length]) : new ort.Tensor('float32', x, [1, x.length]) };
  if (info.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(x.length).fill(1n), [1, x.length]);
  const probe = await session.run(feeds, [...new Set(info.hiddenTensors)].concat(info.logitsOutput ? [info.logitsOutput] : []));
  let frames: number;
  let dim: number;
  try {
    ({ frames, dim } = checkHiddenStates(info.hiddenTensors.map((t) => [t, probe[t]]), 1, file));
  } catch (err) {
    throw new TeacherLoadError((err as Error).message);
  }
  let vocabSize: number | null = null;
  if (info.logitsOutput) {
    const l = probe[info.logitsOutput];
    if (l.dims.length !== 3 || l.dims[1] !== frames) throw new TeacherLoadError(`${file}: logits are [${l.dims.join(', ')}]; expected [1, ${frames}, vocab] like the hidden states`);
    vocabSize = l.dims[2];
  }
  for (const t of Object.values(probe)) t.dispose();
  const frameRate = convFrameRate(convs, pre.samplingRate);
  const fingerprint = sha1Parts([bytes, canonicalJson({ kind: 'onnx-speech', preprocessor: rawPre, model: rawModel, hidden: info.hiddenTensors })]);
  const modelType = mc.modelType ?? 'wav2vec2';
  const dtype = options.modelFile ? path.basename(file) : (options.modelDtype ?? 'fp32');
  const name = `onnx:${modelType}(${folder.label}${dtype === 'fp32' ? '' : `, ${dtype}`})`;
  return new OnnxSpeechTeacher(name, fingerprint, session, info, pre, frameRate, dim, vocabSize, vocabSize === null ? undefined : readCtcVocab(dir, vocabSize));
}

/**
 * The CTC labels of a Hugging Face speech model (`vocab.json`: label -> class id) by class index, when the
 * file is there and names every class of the logits once; otherwise undefined.
 */
export function readCtcVocab(dir: string, vocabSize: number): string[] | undefined {
  const file = path.join(dir, 'vocab.json');
  if (!fs.existsSync(file)) return undefined;
  let map: Record<string, unknown>;
  try {
    map = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TeacherLoadError(`${file}: not JSON (${(err as Error).message})`);
  }
  const labels: Array<string | undefined> = Array.from({ length: vocabSize }, () => undefined);
  for (const [label, id] of Object.entries(map)) {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < vocabSize) labels[id] = label;
  }
  return labels.every((l) => l !== undefined) && Object.keys(map).length === vocabSize ? (labels as string[]) : undefined;
}
