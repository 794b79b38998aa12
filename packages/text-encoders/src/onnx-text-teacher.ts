import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { checkHiddenStates, decodeModel, exposeIntermediateOutputs, float16ToFloat32, OnnxGraphError, readExternalData } from '@speechkd/onnx-graph';
import { tf } from '@speechkd/tensor-backend';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { TextTeacherError } from './errors.js';
import { fingerprintOf, sha256 } from './hash.js';
import { resolveModelSource } from './model-source.js';
import type { ModelSourceOptions } from './model-source.js';
import type { TextEncoding, TextTeacher } from './text-teacher.js';
import { loadTokenizer } from './tokenizer.js';

/** Options of `loadOnnxTextTeacher`. */
export interface OnnxTextTeacherOptions extends ModelSourceOptions {
  /** Tokenizer folder (default: the checkpoint folder). */
  tokenizerDir?: string;
  /** Longest token sequence including [CLS]/[SEP] (default 128). */
  maxTokens?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
}

function int64(data: Int32Array, dims: number[]): ort.Tensor {
  const big = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) big[i] = BigInt(data[i]);
  return new ort.Tensor('int64', big, dims);
}

/**
 * Loads a BERT-family ONNX export (inputs `input_ids`, `attention_mask`, optional `token_type_ids`)
 * from a checkpoint folder or hub id, in the transformers.js variant `modelDtype` (fp32, fp16, q8, ...),
 * rewrites it so every layer's hidden states are outputs (found by structure, checked to be float
 * `[batch, tokens, dim]` on every run; float16 ones are widened), and runs it with onnxruntime-node.
 * The vocabulary of the tokenizer must match the model's.
 */
export async function loadOnnxTextTeacher(source: string, options: OnnxTextTeacherOptions = {}): Promise<TextTeacher> {
  const { dir, modelFile, label } = await resolveModelSource(source, options);
  const tokenizerDir = options.tokenizerDir ?? dir;
  const tokenizer = await loadTokenizer(tokenizerDir);
  const bytes = new Uint8Array(await readFile(modelFile));
  let exposedModel;
  let externalData;
  try {
    exposedModel = exposeIntermediateOutputs(bytes, { hiddenStates: true });
    externalData = readExternalData(decodeModel(exposedModel.model, modelFile).graph!, modelFile);
  } catch (err) {
    if (err instanceof OnnxGraphError) {
      const m = err.message.replace(/^exposeIntermediateOutputs: /, '');
      throw new TextTeacherError(m.startsWith(modelFile) ? m : `${modelFile}: ${m}`);
    }
    throw err;
  }
  const { model, exposed } = exposedModel;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, { ...(options.threads ? { intraOpNumThreads: options.threads } : {}), ...(externalData.length ? { externalData } : {}) });
  } catch (err) {
    throw new TextTeacherError(`${modelFile}: ONNX Runtime cannot load the model (${(err as Error).message.split('\n')[0]})`);
  }
  for (const required of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(required)) {
      throw new TextTeacherError(`${modelFile}: model inputs are [${session.inputNames.join(', ')}]; a BERT-family export with input_ids and attention_mask is required`);
    }
  }
  const maxTokens = options.maxTokens ?? 128;
  const numLayers = exposed.length - 1;

  const run = async (texts: readonly string[]): Promise<TextEncoding> => {
    if (texts.length === 0) throw new TextTeacherError('encode: texts is empty; pass at least one text');
    const b = tokenizer.encodeBatch(texts, { maxLength: maxTokens });
    const dims: [number, number] = [b.batch, b.tokens];
    const feeds: Record<string, ort.Tensor> = { input_ids: int64(b.ids, dims), attention_mask: int64(b.mask, dims) };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = int64(b.typeIds, dims);
    const out = await session.run(feeds, exposed);
    try {
      checkHiddenStates(exposed.map((n) => [n, out[n]]), b.batch, modelFile);
    } catch (err) {
      throw new TextTeacherError((err as Error).message);
    }
    const hiddenStates = exposed.map((name) => {
      const t = out[name];
      const [batch, tokens, dim] = t.dims as number[];
      const data = t.type === 'float16' ? float16ToFloat32(t.data as Uint16Array) : (t.data as Float32Array);
      const h = tf.tensor3d(data, [batch, tokens, dim]) as Tensor3D;
      t.dispose();
      return h;
    });
    return {
      tokenIds: tf.tensor2d(b.ids, dims, 'int32'),
      mask: tf.tensor2d(Float32Array.from(b.mask), dims, 'float32'),
      hiddenStates,
      dim: hiddenStates[0].shape[2],
      numLayers,
    };
  };

  // One probe run gives the hidden size without trusting the graph's declared shapes.
  const probe = await run(['a']);
  const dim = probe.dim;
  tf.dispose([probe.tokenIds, probe.mask, ...probe.hiddenStates]);
  const tokenizerJson = join(tokenizerDir, 'tokenizer.json');
  const tokenizerSha = existsSync(tokenizerJson) ? sha256(readFileSync(tokenizerJson)) : 'none';
  const fingerprint = fingerprintOf('onnx-bert', sha256(bytes), tokenizerSha, { maxTokens, exposed });
  return {
    name: `onnx-bert(${label}${(options.modelDtype ?? 'fp32') === 'fp32' ? '' : `, ${options.modelDtype}`})`,
    fingerprint,
    dim,
    numLayers,
    maxTokens,
    tokenizer,
    encode: run,
    dispose: async () => session.release(),
  };
}
