import type { CmvnStatsJson, FbankOptions } from '@speechkd/audio-features';
import { DTYPES } from './dtype.js';
import type { Dtype } from './dtype.js';
import { ModelFolderError } from './model-folder-error.js';

/** File name of a model folder's manifest. */
export const RECOGNIZER_MANIFEST = 'recognizer.json';

/** How the network's input features are computed from audio. */
export interface FeatureSpec {
  /** Kaldi-compatible log-mel filterbank (`kaldiFbank` of @speechkd/audio-features). */
  type: 'kaldi-fbank';
  /** Audio is resampled to this rate (Hz) first. */
  sampleRate: number;
  /** Samples in [-1, 1) are multiplied by this before the fbank (32768: Kaldi's int16 range). */
  sampleScale: number;
  /** Options passed to `kaldiFbank` as they are (numMelBins, dither, sampleFrequency...). */
  fbank: FbankOptions & { numMelBins: number };
  /** Global CMVN statistics of the training features, applied after the fbank. */
  cmvn?: CmvnStatsJson;
}

/** One ONNX file of the folder. */
export interface OnnxVariant {
  /** Path inside the folder. */
  file: string;
  /** File size (a shorter download fails clearly). */
  bytes: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
}

/** An extra graph output beyond the logits, e.g. a speech teacher's hidden states for the teacher cache. */
export interface ExtraOutput {
  name: string;
  /** Symbolic shape, e.g. ['batch', 'frames', 768]. */
  dims?: Array<string | number>;
  description?: string;
}

/** The ONNX graph's interface and variants. */
export interface OnnxSpec {
  /** Graph input names: float32 features [batch, frames, bins] (CMVN applied), int64 valid frames [batch]. */
  inputs: { features: string; lengths: string };
  /** Graph output names: float32 logits [batch, frames', vocab], int64 valid output frames [batch]. */
  outputs: { logits: string; logitLengths: string };
  /** Further outputs (none for a student); a runtime that does not need them ignores them. */
  extraOutputs?: ExtraOutput[];
  /** Shortest input (feature frames) that yields an output frame; shorter utterances transcribe to ''. */
  minFrames: number;
  /** The variants present, by dtype. */
  variants: Partial<Record<Dtype, OnnxVariant>>;
}

/** Decoding settings the folder recommends (used when a caller gives none). */
export interface DecodingSpec {
  decoder: 'greedy' | 'beam';
  beamSize?: number;
  /** LM fusion weight and per-character bonus, with `lm`. */
  lmWeight?: number;
  lmBonus?: number;
}

/**
 * `recognizer.json`: everything a runtime needs to turn audio into text with the folder's files. Unknown keys
 * are kept and ignored (later versions and other model kinds, e.g. a released speech teacher, add their own).
 */
export interface RecognizerManifest {
  format: 'speechkd-recognizer';
  version: 1;
  /** Model name, e.g. `student-xs`. */
  name: string;
  /** What the network does: CTC over `vocab`. */
  task: 'ctc';
  /** Network parameters. */
  parameters: number;
  features: FeatureSpec;
  /** Output classes; index i is logit column i. */
  vocab: string[];
  /** Index of the CTC blank in `vocab`. */
  blank: number;
  onnx: OnnxSpec;
  decoding: DecodingSpec;
  /** A character n-gram LM file (`CharNgramLm.toJSON()`), fused into the beam search. */
  lm?: string;
  /** The model card (Markdown). */
  card?: string;
  /** Provenance: training run, step, dev WER... */
  metadata?: Record<string, unknown>;
}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;
const isName = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/** A folder path that stays inside the folder (no absolute path, no `..`). */
function isInsidePath(x: unknown): x is string {
  return isName(x) && !x.startsWith('/') && !x.includes('\\') && x.split('/').every((p) => p !== '..' && p !== '' && p !== '.');
}

/** Validates parsed `recognizer.json` content; errors name `source` and the field. */
export function parseManifest(json: unknown, source: string): RecognizerManifest {
  const fail = (field: string, need: string): never => {
    throw new ModelFolderError(`${source}: field "${field}" ${need}`);
  };
  if (!isObj(json)) throw new ModelFolderError(`${source}: not a JSON object`);
  if (json.format !== 'speechkd-recognizer') fail('format', `must be "speechkd-recognizer", got ${JSON.stringify(json.format)} (a training bundle? export it with speechkd-train export --model DIR)`);
  if (json.version !== 1) fail('version', `must be 1, got ${JSON.stringify(json.version)} (written by a newer speechkd?)`);
  if (!isName(json.name)) fail('name', 'must be a non-empty string');
  if (json.task !== 'ctc') fail('task', `must be "ctc", got ${JSON.stringify(json.task)}`);
  if (!(typeof json.parameters === 'number' && json.parameters >= 0)) fail('parameters', 'must be a number >= 0');
  const f = json.features;
  if (!isObj(f) || f.type !== 'kaldi-fbank') fail('features.type', 'must be "kaldi-fbank"');
  const feats = f as Record<string, unknown>;
  if (!isPosInt(feats.sampleRate)) fail('features.sampleRate', 'must be a positive integer (Hz)');
  if (!(typeof feats.sampleScale === 'number' && feats.sampleScale > 0)) fail('features.sampleScale', 'must be a positive number');
  if (!isObj(feats.fbank) || !isPosInt(feats.fbank.numMelBins)) fail('features.fbank.numMelBins', 'must be a positive integer');
  if (feats.cmvn !== undefined && !isObj(feats.cmvn)) fail('features.cmvn', 'must be CMVN statistics ({version, dim, count, sum, sumSquares})');
  if (!Array.isArray(json.vocab) || json.vocab.length < 2 || !json.vocab.every((s) => typeof s === 'string')) fail('vocab', 'must be an array of at least 2 strings');
  const vocab = json.vocab as string[];
  if (!(Number.isInteger(json.blank) && (json.blank as number) >= 0 && (json.blank as number) < vocab.length)) fail('blank', `must be an index into vocab (0..${vocab.length - 1})`);
  const o = json.onnx;
  if (!isObj(o)) return fail('onnx', 'must be an object');
  if (!isObj(o.inputs) || !isName(o.inputs.features) || !isName(o.inputs.lengths)) fail('onnx.inputs', 'must name the graph inputs {features, lengths}');
  if (!isObj(o.outputs) || !isName(o.outputs.logits) || !isName(o.outputs.logitLengths)) fail('onnx.outputs', 'must name the graph outputs {logits, logitLengths}');
  if (o.extraOutputs !== undefined && !(Array.isArray(o.extraOutputs) && o.extraOutputs.every((e) => isObj(e) && isName(e.name)))) fail('onnx.extraOutputs', 'must be an array of {name, dims?, description?}');
  if (!isPosInt(o.minFrames)) fail('onnx.minFrames', 'must be a positive integer');
  if (!isObj(o.variants) || Object.keys(o.variants).length === 0) fail('onnx.variants', `must list at least one of ${DTYPES.join(', ')}`);
  for (const [dtype, v] of Object.entries(o.variants as Record<string, unknown>)) {
    if (!(DTYPES as readonly string[]).includes(dtype)) fail(`onnx.variants.${dtype}`, `is not a known dtype (${DTYPES.join(', ')})`);
    if (!isObj(v) || !isInsidePath(v.file) || !isPosInt(v.bytes) || typeof v.sha256 !== 'string') fail(`onnx.variants.${dtype}`, 'must be {file (inside the folder), bytes, sha256}');
  }
  const d = json.decoding;
  if (!isObj(d) || (d.decoder !== 'greedy' && d.decoder !== 'beam')) fail('decoding.decoder', 'must be "greedy" or "beam"');
  if (json.lm !== undefined && !isInsidePath(json.lm)) fail('lm', 'must be a file inside the folder');
  if (json.card !== undefined && !isInsidePath(json.card)) fail('card', 'must be a file inside the folder');
  return json as unknown as RecognizerManifest;
}

/** The files a runtime may fetch from a folder: the manifest, the ONNX variants, the LM and the card. */
export function manifestFiles(m: RecognizerManifest): string[] {
  const files = [RECOGNIZER_MANIFEST, ...Object.values(m.onnx.variants).map((v) => v!.file)];
  if (m.lm) files.push(m.lm);
  if (m.card) files.push(m.card);
  return files;
}
