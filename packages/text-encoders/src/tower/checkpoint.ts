import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '@speechkd/safe-io';
import { tf } from '@speechkd/tensor-backend';
import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { TextTowerError } from '../errors.js';
import { sha256 } from '../hash.js';
import { TOKENIZER_FILES } from '../tokenizer.js';
import { checkTowerConfig } from './config.js';
import type { TextTowerConfig } from './config.js';

/** Format tag of `config.json`. */
export const TOWER_FORMAT = 'speechkd-text-tower';
/** Checkpoint format version. */
export const TOWER_VERSION = 1;

/** Contents of a checkpoint's `config.json`. */
export interface TowerCheckpointConfig {
  format: typeof TOWER_FORMAT;
  version: number;
  model: TextTowerConfig;
  /** Training step the weights are from. */
  step: number;
  /** sha256 of weights.bin (checked on load). */
  weightsSha256: string;
  /** WordPiece id of each compact row (file vocab-map.json). */
  vocabMap: 'vocab-map.json';
  /** Folder with the tokenizer files, relative to the checkpoint. */
  tokenizer: 'tokenizer';
  /** Special WordPiece ids. */
  special: { pad: number; unk: number; cls: number; sep: number; mask: number };
}

/** What `saveCheckpoint` writes. */
export interface CheckpointContents {
  config: Omit<TowerCheckpointConfig, 'format' | 'version' | 'weightsSha256' | 'vocabMap' | 'tokenizer'>;
  params: Map<string, Tensor>;
  vocabMap: readonly number[];
  tokenizerDir: string;
  /** Optimizer moments, written to optimizer.bin/.json when given. */
  optimizer?: { state: NamedTensorMap; t: number };
  /** Free-form training state (state.json). */
  state?: Record<string, unknown>;
}

async function encode(tensors: NamedTensorMap): Promise<{ data: Uint8Array; specs: unknown }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  return { data: new Uint8Array(data), specs };
}

/** Writes a complete checkpoint folder `<root>/checkpoints/step-<N>` atomically, then points `<root>/LATEST` at it. Keeps the newest `keep`. */
export async function saveCheckpoint(root: string, c: CheckpointContents, keep = 2): Promise<string> {
  const name = `step-${String(c.config.step).padStart(7, '0')}`;
  const parent = join(root, 'checkpoints');
  const final = join(parent, name);
  const weights = await encode(Object.fromEntries(c.params));
  await writeDirAtomic(final, async (tmp) => {
    await mkdir(join(tmp, 'tokenizer'), { recursive: true });
    await writeFile(join(tmp, 'weights.bin'), weights.data);
    await writeFile(join(tmp, 'model.json'), JSON.stringify({ format: 'tfjs-weights', weightsManifest: [{ paths: ['weights.bin'], weights: weights.specs }] }));
    await writeFile(join(tmp, 'vocab-map.json'), JSON.stringify(c.vocabMap));
    for (const f of [...TOKENIZER_FILES, 'vocab.txt', 'special_tokens_map.json']) {
      if (existsSync(join(c.tokenizerDir, f))) await cp(join(c.tokenizerDir, f), join(tmp, 'tokenizer', f));
    }
    if (c.optimizer) {
      const o = await encode(c.optimizer.state);
      await writeFile(join(tmp, 'optimizer.bin'), o.data);
      await writeFile(join(tmp, 'optimizer.json'), JSON.stringify({ t: c.optimizer.t, specs: o.specs }));
    }
    if (c.state) await writeFile(join(tmp, 'state.json'), JSON.stringify(c.state, null, 1));
    const config: TowerCheckpointConfig = {
      format: TOWER_FORMAT, version: TOWER_VERSION, ...c.config, weightsSha256: sha256(weights.data), vocabMap: 'vocab-map.json', tokenizer: 'tokenizer',
    };
    await writeFile(join(tmp, 'config.json'), JSON.stringify(config, null, 2));
  });
  writeFileAtomic(join(root, 'LATEST'), `checkpoints/${name}\n`);
  const old = (await readdir(parent)).filter((d) => /^step-\d+$/.test(d)).sort().slice(0, -keep);
  for (const d of old) await rm(join(parent, d), { recursive: true, force: true });
  return final;
}

/** Resolves a model folder: itself when it has config.json, else the checkpoint its LATEST file names. */
export function resolveCheckpointDir(dir: string): string {
  const abs = resolve(dir);
  if (existsSync(join(abs, 'config.json'))) return abs;
  if (existsSync(join(abs, 'LATEST'))) return join(abs, readFileSync(join(abs, 'LATEST'), 'utf8').trim());
  throw new TextTowerError(`${abs}: not a text-tower checkpoint (no config.json or LATEST); train one with \`speechkd-text-tower train --out ${dir}\``);
}

/** A loaded checkpoint; the caller owns the tensors. */
export interface LoadedCheckpoint {
  dir: string;
  config: TowerCheckpointConfig;
  params: Map<string, Tensor>;
  vocabMap: number[];
  weightsSha256: string;
  optimizer?: { state: NamedTensorMap; t: number };
  state?: Record<string, unknown>;
}

/** Reads a checkpoint folder (or a training folder via LATEST), verifying format and weights checksum. */
export async function loadCheckpoint(dir: string, withOptimizer = false): Promise<LoadedCheckpoint> {
  const ck = resolveCheckpointDir(dir);
  const read = async (f: string): Promise<Buffer> => {
    try {
      return await readFile(join(ck, f));
    } catch (err) {
      throw new TextTowerError(`${join(ck, f)}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}); the checkpoint is incomplete`);
    }
  };
  const config = JSON.parse((await read('config.json')).toString()) as TowerCheckpointConfig;
  if (config.format !== TOWER_FORMAT || config.version !== TOWER_VERSION) {
    throw new TextTowerError(`${ck}/config.json: format ${config.format} v${config.version}, expected ${TOWER_FORMAT} v${TOWER_VERSION}`);
  }
  checkTowerConfig(config.model);
  const bin = await read('weights.bin');
  const weightsSha256 = sha256(bin);
  if (weightsSha256 !== config.weightsSha256) {
    throw new TextTowerError(`${ck}/weights.bin: sha256 ${weightsSha256.slice(0, 12)}... differs from config.json's ${config.weightsSha256.slice(0, 12)}...; the file is corrupt`);
  }
  const manifest = JSON.parse((await read('model.json')).toString()) as { weightsManifest: { weights: Parameters<typeof tf.io.decodeWeights>[1] }[] };
  const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const params = new Map(Object.entries(tf.io.decodeWeights(arrayBuffer(bin), manifest.weightsManifest[0].weights)));
  const vocabMap = JSON.parse((await read('vocab-map.json')).toString()) as number[];
  if (vocabMap.length !== config.model.vocabSize) throw new TextTowerError(`${ck}/vocab-map.json: ${vocabMap.length} entries, config says vocabSize ${config.model.vocabSize}`);
  const out: LoadedCheckpoint = { dir: ck, config, params, vocabMap, weightsSha256 };
  if (withOptimizer && existsSync(join(ck, 'optimizer.bin'))) {
    const meta = JSON.parse((await read('optimizer.json')).toString()) as { t: number; specs: Parameters<typeof tf.io.decodeWeights>[1] };
    out.optimizer = { state: tf.io.decodeWeights(arrayBuffer(await read('optimizer.bin')), meta.specs), t: meta.t };
  }
  if (existsSync(join(ck, 'state.json'))) out.state = JSON.parse((await read('state.json')).toString()) as Record<string, unknown>;
  return out;
}
