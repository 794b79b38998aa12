import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '@speechkd/onnx-graph';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { ReplicaWorkerError, resolveWorkerCount } from '@speechkd/data-parallel';
import { lockDir, prepareOutputDir } from '@speechkd/safe-io';
import type { DirLock } from '@speechkd/safe-io';
import { ParallelMlm } from './parallel-mlm.js';
import type { Variable } from '@tensorflow/tfjs-core';
import { TextTowerError } from '../errors.js';
import { sha256 } from '../hash.js';
import { BERT_BASE_UNCASED_DIR, loadTokenizer } from '../tokenizer.js';
import { CompactVocab } from './compact-vocab.js';
import { checkTowerConfig, TOWER_DEFAULTS } from './config.js';
import type { TextTowerConfig } from './config.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { maskBatch, mlmLoss } from './mlm.js';
import type { MaskingVocab } from './mlm.js';
import { initTowerParams } from './model.js';
import type { TowerParams } from './model.js';
import { AdamW, learningRate } from './optimizer.js';

/** Options of `trainTextTower`. */
export interface TrainTextTowerOptions {
  /** Training folder (checkpoints/, LATEST); an existing one is resumed. */
  out: string;
  /** Training sentences (already normalized). Every 100th is held out for validation. */
  sentences: readonly string[];
  /** Total optimizer steps. */
  steps: number;
  seed: number;
  /** Architecture (vocabSize comes from the corpus). Default TOWER_DEFAULTS. */
  arch?: Omit<TextTowerConfig, 'vocabSize'>;
  batchSize?: number;
  /** Peak learning rate (default 5e-4), warm-up steps (default 10% of steps, at most 500). */
  lr?: number;
  warmup?: number;
  /** Masking probability (default 0.15). */
  maskProb?: number;
  /** Steps between checkpoints (default 500; a checkpoint is always written at the end). */
  checkpointEvery?: number;
  /** Tokenizer folder (default: the bundled bert-base-uncased). */
  tokenizerDir?: string;
  /** Stop after this step even if `steps` is larger (a time-boxed run; the next run resumes). */
  stopAfter?: number;
  /**
   * Data-parallel workers: this thread plus `workers - 1` helper threads, each with a tower replica, splitting
   * every batch (0 or undefined = the cores available, at most 8; 1 = this thread only). The result does not
   * depend on it beyond float rounding, and checkpoints resume with any worker count.
   */
  workers?: number;
  /** Called after every step. */
  onStep?: (info: StepInfo) => void;
  /** Receives log lines (checkpoints, validation). */
  log?: (line: string) => void;
}

/** Progress of one step. */
export interface StepInfo {
  step: number;
  steps: number;
  /** MLM cross-entropy of this step's batch (nats). */
  loss: number;
  lr: number;
  /** Seconds this step took. */
  seconds: number;
}

/** Outcome of `trainTextTower`. */
export interface TrainTextTowerResult {
  /** Step reached (== steps unless stopAfter stopped earlier). */
  step: number;
  /** First step of this run (> 0 when resumed). */
  startStep: number;
  /** Per-step training losses of this run. */
  losses: number[];
  /** Validation MLM loss at the end (fixed masking). */
  validationLoss: number;
  checkpointDir: string;
  config: TextTowerConfig;
}

/** Mean MLM loss over the validation sentences with a fixed masking seed. */
function validate(params: TowerParams, c: TextTowerConfig, seqs: Int32Array[], mv: MaskingVocab, batchSize: number): number {
  const rand = mulberry32(12345);
  let total = 0;
  let n = 0;
  for (let i = 0; i < seqs.length; i += batchSize) {
    const mb = maskBatch(seqs.slice(i, i + batchSize), mv, rand);
    const loss = mlmLoss(params, c, mb);
    total += loss.dataSync()[0] * mb.positions.length;
    n += mb.positions.length;
    loss.dispose();
  }
  return n ? total / n : NaN;
}

/**
 * Trains the text tower with masked-language modeling (15% of tokens; 80% [MASK], 10% random,
 * 10% kept) using AdamW with warm-up and linear decay. Resumes from `out/LATEST` when present;
 * batches depend only on (seed, step), so a resumed run sees the same data as an uninterrupted one.
 */
export async function trainTextTower(o: TrainTextTowerOptions): Promise<TrainTextTowerResult> {
  const held: { lock?: DirLock } = {};
  try {
    return await trainInFolder(o, held);
  } finally {
    held.lock?.release();
  }
}

/** The lock file a training takes in its folder (`out`): one process trains there at a time. */
const TOWER_LOCK_FILE = 'train.lock';

/** `trainTextTower`'s work; takes `out`'s lock (into `held`, released by the caller) once `out` exists. */
async function trainInFolder(o: TrainTextTowerOptions, held: { lock?: DirLock }): Promise<TrainTextTowerResult> {
  const tokenizerDir = o.tokenizerDir ?? BERT_BASE_UNCASED_DIR;
  const tokenizer = await loadTokenizer(tokenizerDir);
  const backend = await initBackend({ log: null });
  const arch = o.arch ?? TOWER_DEFAULTS;
  const batchSize = o.batchSize ?? 32;
  const peak = o.lr ?? 5e-4;
  const warmup = o.warmup ?? Math.min(500, Math.ceil(o.steps / 10));
  const every = o.checkpointEvery ?? 500;
  if (!Number.isInteger(o.steps) || o.steps <= 0) throw new TextTowerError(`steps must be a positive integer, got ${o.steps}`);
  if (o.sentences.length < 2) throw new TextTowerError(`need at least 2 training sentences, got ${o.sentences.length}`);
  const maskProb = o.maskProb ?? 0.15;
  const ranges: Array<[string, number, boolean, string]> = [
    ['batchSize', batchSize, Number.isInteger(batchSize) && batchSize >= 1, 'an integer >= 1'],
    ['lr', peak, Number.isFinite(peak) && peak > 0, 'a number > 0'],
    ['warmup', warmup, Number.isInteger(warmup) && warmup >= 0, 'an integer >= 0'],
    ['checkpointEvery', every, Number.isInteger(every) && every >= 1, 'an integer >= 1'],
    ['maskProb', maskProb, maskProb > 0 && maskProb < 1, 'a number between 0 and 1'],
    ['stopAfter', o.stopAfter ?? 1, Number.isInteger(o.stopAfter ?? 1) && (o.stopAfter ?? 1) >= 1, 'an integer >= 1'],
  ];
  for (const [name, value, ok, what] of ranges) if (!ok) throw new TextTowerError(`${name} must be ${what}, got ${value}`);
  prepareOutputDir(o.out); // a read-only or full disk fails now, not at the first checkpoint
  // A second process (an orphaned stage worker included) cannot train into the same folder; a killed one's lock is taken over.
  held.lock = lockDir(o.out, { name: TOWER_LOCK_FILE, purpose: 'training', log: o.log && ((l) => o.log!(`text tower: ${l}`)) });

  const realSeqs = o.sentences.map((s) => Int32Array.from(tokenizer.encode(s, { maxLength: arch.maxTokens })));
  const specials = [tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId, tokenizer.maskId];
  const resume = existsSync(join(o.out, 'LATEST'));
  const loaded = resume ? await loadCheckpoint(o.out, true) : undefined;
  if (loaded) {
    for (const [k, v] of Object.entries(arch)) {
      if ((loaded.config.model as unknown as Record<string, number>)[k] !== v) {
        throw new TextTowerError(`${o.out}: checkpoint has ${k}=${(loaded.config.model as unknown as Record<string, number>)[k]} but this run asks for ${v}; use the same settings or a new --out`);
      }
    }
    if (loaded.state?.corpusSha256 !== sha256(o.sentences.join('\n'))) {
      throw new TextTowerError(`${o.out}: checkpoint was trained on other sentences (different --exclude/--max-sentences?); use the same corpus or a new --out`);
    }
    if (loaded.state?.seed !== o.seed) throw new TextTowerError(`${o.out}: checkpoint was trained with --seed ${String(loaded.state?.seed)}, this run asks for ${o.seed}; use the same seed or a new --out`);
  }
  const vocab = loaded ? new CompactVocab(loaded.vocabMap, tokenizer.unkId) : CompactVocab.fromCorpus(realSeqs, specials, tokenizer.unkId);
  const config = checkTowerConfig({ ...arch, vocabSize: vocab.size });
  const seqs = realSeqs.map((s) => vocab.mapIds(s));
  const train = seqs.filter((_, i) => i % 100 !== 99);
  const valid = seqs.filter((_, i) => i % 100 === 99).slice(0, 256);
  const mv: MaskingVocab = { maskId: vocab.toCompact(tokenizer.maskId), numSpecial: specials.length, size: vocab.size };

  const params: TowerParams = loaded ? new Map([...loaded.params].map(([k, t]) => [k, tf.variable(t, true)])) : initTowerParams(config, o.seed);
  loaded?.params.forEach((t) => t.dispose());
  const optimizer = new AdamW();
  if (loaded?.optimizer) optimizer.restore(loaded.optimizer.state, loaded.optimizer.t);
  const startStep = loaded?.config.step ?? 0;
  o.log?.(`text tower: ${JSON.stringify(config)}; ${train.length} train / ${valid.length} validation sentences; ${resume ? `resuming at step ${startStep}` : 'fresh start'}`);

  const save = async (step: number, validationLoss: number): Promise<string> =>
    saveCheckpoint(o.out, {
      config: { model: config, step, special: { pad: tokenizer.padId, unk: tokenizer.unkId, cls: tokenizer.clsId, sep: tokenizer.sepId, mask: tokenizer.maskId } },
      params, vocabMap: vocab.realIds, tokenizerDir, optimizer: { state: optimizer.state(), t: optimizer.t },
      state: { seed: o.seed, corpusSha256: sha256(o.sentences.join('\n')), sentences: o.sentences.length, step, steps: o.steps, batchSize, lr: peak, warmup, validationLoss },
    });

  // A native backend (tfjs-node, tfjs-node-gpu) computes on every core or the GPU itself.
  const workers = backend.name === 'tensorflow' || backend.name === 'tensorflow-gpu' ? 1 : resolveWorkerCount(o.workers, backend.name);
  const parallel = workers > 1 ? await ParallelMlm.start({ workers, params, config, backend: backend.name }) : undefined;
  if (parallel) o.log?.(`text tower: ${workers} data-parallel workers (this thread + helper threads)`);
  const varList = [...params.values()] as Variable[];
  const paramOf = new Map([...params].map(([k, v]) => [(v as Variable).name, k])); // variableGrads keys by variable name
  const losses: number[] = [];
  let checkpointDir = '';
  const end = Math.min(o.steps, o.stopAfter ?? o.steps);
  for (let step = startStep; step < end; step++) {
    const t0 = performance.now();
    const rand = mulberry32((o.seed * 0x9e3779b1) ^ (step * 0x85ebca6b));
    const batch = Array.from({ length: Math.min(batchSize, train.length) }, () => train[Math.floor(rand() * train.length)]);
    const mb = maskBatch(batch, mv, rand, maskProb);
    const lr = learningRate(step, peak, warmup, o.steps);
    let loss: number;
    if (parallel) {
      try {
        loss = await parallel.step(mb, optimizer, lr);
      } catch (err) {
        await parallel.close();
        if (!(err instanceof ReplicaWorkerError)) throw err;
        // This thread holds every finished step: save them before giving up.
        const dir = await save(step, validate(params, config, valid, mv, batchSize));
        throw new TextTowerError(`${err.message} during step ${step + 1}; the ${step} finished steps are saved in ${dir}; rerun the same command to resume (--workers 1 trains on this thread only)`);
      }
    } else {
      const { value, grads } = tf.variableGrads(() => mlmLoss(params, config, mb), varList);
      optimizer.apply(params, Object.fromEntries(Object.entries(grads).map(([vn, g]) => [paramOf.get(vn)!, g])), lr);
      loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
    }
    if (!Number.isFinite(loss)) throw new TextTowerError(`step ${step + 1}: loss is ${loss}; lower --lr`);
    losses.push(loss);
    o.onStep?.({ step: step + 1, steps: o.steps, loss, lr, seconds: (performance.now() - t0) / 1000 });
    if ((step + 1) % every === 0 && step + 1 < end) {
      const v = validate(params, config, valid, mv, batchSize);
      checkpointDir = await save(step + 1, v);
      o.log?.(`step ${step + 1}: validation MLM loss ${v.toFixed(3)}; checkpoint ${checkpointDir}`);
    }
  }
  const validationLoss = valid.length ? validate(params, config, valid, mv, batchSize) : NaN;
  if (startStep < end || !loaded) checkpointDir = await save(end, validationLoss);
  else checkpointDir = loaded.dir;
  o.log?.(`step ${end}: validation MLM loss ${validationLoss.toFixed(3)}; checkpoint ${checkpointDir}`);
  await parallel?.close();
  params.forEach((p) => p.dispose());
  optimizer.dispose();
  return { step: end, startStep, losses, validationLoss, checkpointDir, config };
}
