import { OnnxGraphError } from '@speechkd/onnx-graph';
import { resolveModelFolder } from '@speechkd/onnx-graph/hub';
import type { ModelFolderOptions } from '@speechkd/onnx-graph/hub';
import { TextTeacherError } from './errors.js';

/** Where an ONNX BERT-family checkpoint lives on disk. */
export interface ModelSource {
  /** The checkpoint folder (tokenizer files, config.json). */
  dir: string;
  /** The ONNX file of the chosen variant: `onnx/model<suffix>.onnx` or `model<suffix>.onnx` inside `dir`. */
  modelFile: string;
  /** Short name: the folder name, or `owner/name@<commit7>` for hub ids. */
  label: string;
}

/** Options for resolving a folder or hub id (`modelDtype`, `revision`, `allowRemote`, progress, hub settings). */
export interface ModelSourceOptions extends Omit<ModelFolderOptions, 'files' | 'optionalFiles'> {
  /** Hugging Face hub cache for hub ids (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub). */
  cacheDir?: string;
}

/** What a BERT-family text teacher needs from a hub repository besides the model variant. */
export const TEXT_HUB_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** Fetched when the repository has them. */
export const TEXT_HUB_OPTIONAL_FILES = ['config.json', 'special_tokens_map.json', 'vocab.txt'];

/**
 * Resolves a local checkpoint folder, or a hub id such as `Xenova/bert-base-uncased` through the Hugging
 * Face cache (downloaded there with `allowRemote`, else it must already be cached, e.g. by Python).
 */
export async function resolveModelSource(source: string, options: ModelSourceOptions = {}): Promise<ModelSource> {
  try {
    const { dir, modelFile, label } = await resolveModelFolder(source, {
      ...options, files: TEXT_HUB_FILES, optionalFiles: TEXT_HUB_OPTIONAL_FILES,
      env: options.cacheDir ? { ...options.env, cacheDir: options.cacheDir } : options.env,
    });
    return { dir, modelFile, label };
  } catch (err) {
    if (err instanceof OnnxGraphError) throw new TextTeacherError(err.message);
    throw err;
  }
}
