import fs from 'node:fs';
import path from 'node:path';
import { findModelVariant, modelFileCandidates } from '../model-variant.js';
import type { ModelDtype } from '../model-variant.js';
import { downloadHubFiles } from './hub-download.js';
import type { HubDownloadOptions, HubSnapshot } from './hub-download.js';
import { HubError, isHubId } from './hub-env.js';

/** Options of `resolveModelFolder`. */
export interface ModelFolderOptions extends Pick<HubDownloadOptions, 'env' | 'onProgress' | 'onNotice' | 'fetch' | 'retries' | 'retryDelayMs'> {
  /** transformers.js variant (default fp32): `onnx/model<suffix>.onnx`. */
  modelDtype?: ModelDtype;
  /** Hub revision for hub ids (default `main`). */
  revision?: string;
  /** Whether a hub id may be downloaded; without it a hub id must already be in the cache (default false). */
  allowRemote?: boolean;
  /** Files besides the model that a hub download must fetch (e.g. `preprocessor_config.json`). */
  files?: readonly string[];
  /** Files fetched when the repository has them (e.g. `config.json`). */
  optionalFiles?: readonly string[];
}

/** A model folder on disk and the variant file in it. */
export interface ModelFolder {
  dir: string;
  /** Absolute path of the chosen `model*.onnx`. */
  modelFile: string;
  /** Short human-readable source: the folder name, or `owner/name@<commit7>` for hub ids. */
  label: string;
  /** The hub snapshot, for hub ids. */
  hub?: HubSnapshot;
}

// Large exports keep weights beside the graph (transformers.js `use_external_data_format`): `<file>_data`, `_data_1`, ...
const EXTERNAL_DATA_CHUNKS = 10;

/**
 * Resolves a model source to a local folder: an existing folder is used as it is (the variant looked
 * up in `onnx/` then at the top); otherwise `owner/name` is a hub id whose model variant and `files`
 * are fetched into the Hugging Face cache (`downloadHubFiles`), or, without `allowRemote`, must be there.
 */
export async function resolveModelFolder(source: string, options: ModelFolderOptions = {}): Promise<ModelFolder> {
  const dtype = options.modelDtype ?? 'fp32';
  const local = path.resolve(source);
  if (fs.existsSync(local)) {
    if (!fs.statSync(local).isDirectory()) throw new HubError(`${local}: expected a model folder (with onnx/model*.onnx), got a file`);
    return { dir: local, modelFile: findModelVariant(local, dtype), label: path.basename(local) };
  }
  const id = source.startsWith('hf:') ? source.slice(3) : source;
  if (!isHubId(id)) throw new HubError(`${source}: no such folder, and not a hub model id (owner/name)`);
  const model = modelFileCandidates(dtype)[0];
  const data = Array.from({ length: EXTERNAL_DATA_CHUNKS }, (_, i) => `${model}_data${i === 0 ? '' : `_${i}`}`);
  const hub = await downloadHubFiles(id, {
    ...options, revision: options.revision, files: [...(options.files ?? []), model], optionalFiles: [...(options.optionalFiles ?? []), ...data],
    ...(options.allowRemote ? {} : { env: { ...options.env, offline: true }, offlineReason: 'downloads not allowed: pass allowRemote' }),
  });
  return { dir: hub.dir, modelFile: path.join(hub.dir, model), label: `${id}@${hub.commit.slice(0, 7)}`, hub };
}
