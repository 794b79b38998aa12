import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TextTeacherError } from './errors.js';

/** Where an ONNX BERT-family checkpoint lives on disk. */
export interface ModelSource {
  /** The checkpoint folder (tokenizer files, config.json). */
  dir: string;
  /** The ONNX file: `model.onnx` or `onnx/model.onnx` inside `dir`. */
  modelFile: string;
}

/** Options for resolving a hub id. */
export interface ModelSourceOptions {
  /** Allow downloading a hub id from huggingface.co (needs network; default false). */
  allowRemote?: boolean;
  /** Download folder for hub ids (default `~/.cache/speechkd/hub`). */
  cacheDir?: string;
  /** Hub revision (default `main`). */
  revision?: string;
}

const MODEL_CANDIDATES = ['model.onnx', 'onnx/model.onnx'];
const HUB_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

function findModelFile(dir: string): string {
  for (const c of MODEL_CANDIDATES) if (existsSync(join(dir, c))) return join(dir, c);
  throw new TextTeacherError(`${dir}: no ONNX model (looked for ${MODEL_CANDIDATES.join(', ')}); export one with optimum (optimum-cli export onnx --model <id> ${dir})`);
}

async function download(id: string, options: ModelSourceOptions): Promise<string> {
  const dir = join(options.cacheDir ?? join(process.env.HOME ?? '.', '.cache', 'speechkd', 'hub'), id);
  for (const file of HUB_FILES) {
    const target = join(dir, file);
    if (existsSync(target)) continue;
    const url = `https://huggingface.co/${id}/resolve/${options.revision ?? 'main'}/${file}`;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      throw new TextTeacherError(`cannot download ${url} (${(err as Error).message}); without network pass a local checkpoint folder instead`);
    }
    if (!res.ok) throw new TextTeacherError(`download ${url} failed: HTTP ${res.status}; check the hub id "${id}" (it needs an onnx/model.onnx)`);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    await writeFile(tmp, new Uint8Array(await res.arrayBuffer()));
    await rename(tmp, target);
  }
  return dir;
}

/**
 * Resolves a local checkpoint folder, or (with `allowRemote`) downloads a hub id such as
 * `Xenova/bert-base-uncased` into the cache folder first.
 */
export async function resolveModelSource(source: string, options: ModelSourceOptions = {}): Promise<ModelSource> {
  const local = resolve(source);
  if (existsSync(local)) {
    if (!statSync(local).isDirectory()) throw new TextTeacherError(`${local}: expected a checkpoint folder (with model.onnx or onnx/model.onnx and tokenizer files), got a file`);
    return { dir: local, modelFile: findModelFile(local) };
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(source)) throw new TextTeacherError(`${source}: no such folder, and not a hub id of the form owner/name`);
  if (!options.allowRemote) {
    throw new TextTeacherError(`${source}: no such folder; to download it from the Hub pass allowRemote (needs network), or pass a local checkpoint folder`);
  }
  const dir = await download(source, options);
  return { dir, modelFile: findModelFile(dir) };
}
