import fs from 'node:fs';
import path from 'node:path';
import { TeacherLoadError } from '../errors.js';

/** The parts of a HF `preprocessor_config.json` (Wav2Vec2FeatureExtractor) that change the input. */
export interface Wav2vec2Preprocessor {
  /** Zero-mean unit-variance normalization per utterance. */
  doNormalize: boolean;
  /** Input sample rate in Hz. */
  samplingRate: number;
  /** Whether the model takes an `attention_mask` input. */
  returnAttentionMask: boolean;
}

/** One feature-encoder convolution (kernel and stride in samples or frames of the previous conv). */
export interface ConvLayerSpec {
  kernel: number;
  stride: number;
}

/** The parts of a HF `config.json` the teacher needs (all optional there; the graph fills gaps). */
export interface Wav2vec2ModelConfig {
  modelType: string | null;
  convLayers: ConvLayerSpec[] | null;
  hiddenSize: number | null;
  numHiddenLayers: number | null;
  vocabSize: number | null;
}

function readJson(file: string, required: boolean): Record<string, unknown> | null {
  if (!fs.existsSync(file)) {
    if (required) throw new TeacherLoadError(`${file}: missing; an ONNX speech teacher directory needs the model's preprocessor_config.json`);
    return null;
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TeacherLoadError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Reads `DIR/preprocessor_config.json` (HF defaults: do_normalize true, 16 kHz). */
export function readPreprocessorConfig(dir: string): { config: Wav2vec2Preprocessor; raw: Record<string, unknown> } {
  const raw = readJson(path.join(dir, 'preprocessor_config.json'), true)!;
  const rate = raw.sampling_rate ?? 16000;
  if (typeof rate !== 'number' || !(rate > 0)) throw new TeacherLoadError(`${dir}/preprocessor_config.json: sampling_rate must be a positive number`);
  return {
    config: { doNormalize: raw.do_normalize !== false, samplingRate: rate, returnAttentionMask: raw.return_attention_mask === true },
    raw,
  };
}

/** Reads `DIR/config.json` when present (conv_kernel/conv_stride, hidden_size, num_hidden_layers, vocab_size). */
export function readModelConfig(dir: string): { config: Wav2vec2ModelConfig; raw: Record<string, unknown> | null } {
  const raw = readJson(path.join(dir, 'config.json'), false);
  const num = (k: string): number | null => (typeof raw?.[k] === 'number' ? (raw[k] as number) : null);
  let convLayers: ConvLayerSpec[] | null = null;
  if (Array.isArray(raw?.conv_kernel) && Array.isArray(raw?.conv_stride)) {
    const k = raw.conv_kernel as number[];
    const s = raw.conv_stride as number[];
    if (k.length !== s.length) throw new TeacherLoadError(`${dir}/config.json: conv_kernel and conv_stride differ in length`);
    convLayers = k.map((kernel, i) => ({ kernel, stride: s[i] }));
  }
  const modelType = typeof raw?.model_type === 'string' ? raw.model_type : null;
  return { config: { modelType, convLayers, hiddenSize: num('hidden_size'), numHiddenLayers: num('num_hidden_layers'), vocabSize: num('vocab_size') }, raw };
}

/** Output frames of the conv feature encoder for `numSamples` samples (unpadded convolutions). */
export function convFrameCount(convs: readonly ConvLayerSpec[], numSamples: number): number {
  return convs.reduce((n, c) => (n < c.kernel ? 0 : Math.floor((n - c.kernel) / c.stride) + 1), numSamples);
}

/** Frames per second of the conv feature encoder: sample rate / product of strides (50 Hz for wav2vec 2.0). */
export function convFrameRate(convs: readonly ConvLayerSpec[], sampleRate: number): number {
  return sampleRate / convs.reduce((p, c) => p * c.stride, 1);
}

/** Zero-mean unit-variance normalization as Wav2Vec2FeatureExtractor does it: (x - mean) / sqrt(var + 1e-7). */
export function zeroMeanUnitVariance(x: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length || 1;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
  v /= x.length || 1;
  const inv = 1 / Math.sqrt(v + 1e-7);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) * inv;
  return out;
}
