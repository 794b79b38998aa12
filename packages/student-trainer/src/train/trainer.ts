import path from 'node:path';
import { initBackend, tf } from '@speechkd/tensor-backend';
import type { BackendName } from '@speechkd/tensor-backend';
import type { Tensor } from '@tensorflow/tfjs-core';

import { CmvnStats } from '@speechkd/audio-features';
import type { CmvnStatsJson } from '@speechkd/audio-features';
import { createStudent } from '../model/student.js';
import type { StudentModel } from '../model/student.js';
import type { ModelConfig } from '../model/config.js';
import { assignWeights } from '../model/io.js';
import { mixSeed } from '@speechkd/random';
import { collate, disposeBatch, epochOrder, makeBatches } from './batches.js';
import type { Utterance } from './batches.js';
import type { TrainConfig } from './config.js';
import { checkTrainConfig, checkTrainRun, trainConfigError } from './config.js';
import { buildSplit, cmvnFromFeatures, readSplit } from './data.js';
import { evaluateWer } from './evaluate.js';
import type { EvalResult } from './evaluate.js';
import { ctcObjective, loadObjective } from './objective.js';
import type { Objective, ObjectiveSpec } from './objective.js';
import { ReplicaWorkerError, resolveWorkerCount } from '@speechkd/data-parallel';
import { DataParallelStep } from './parallel/data-parallel-step.js';
import { AdamW, WeightEma } from './optimizer.js';
import type { AdamWOptions, CheckpointableOptimizer } from './optimizer.js';
import { learningRate } from './schedule.js';
import { CheckpointError, exportBundle, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { openRunDir } from './run-dir.js';
import type { DirLock } from '@speechkd/safe-io';
import type { LoadedCheckpoint, TrainerState } from './checkpoint.js';
import { MetricsLog } from './metrics.js';
import { trainStep } from './train-step.js';
import type { StepResult } from './train-step.js';
import type { ParallelStepArgs } from './parallel/data-parallel-step.js';
import type { SpecAugmentOptions } from '@speechkd/audio-features';

/** Options beyond the config: the objective hook (distillation plugs in here) and I/O. */
export interface TrainerOptions {
  /** Training objective; default CTC only. Data-parallel training (`workers` > 1) needs `objectiveSpec` instead. */
  objective?: Objective;
  /** How to build the objective, on this thread and on every helper thread (the trainer owns and disposes it). */
  objectiveSpec?: ObjectiveSpec;
  /**
   * Accepted for compatibility: a run always continues from the newest checkpoint in `runDir/checkpoints`
   * when the folder's `config.json` has the same settings (see `RESUME_IGNORED_KEYS`); without one it starts
   * from the config's `initFrom`, or from scratch. Contradicts `fresh`.
   */
  resume?: boolean;
  /** Start over: remove the folder's earlier run (checkpoints, best/, final/, metrics) even when its settings differ. */
  fresh?: boolean;
  /** Stop this process after this many steps (the run is not finished; for tests and time-boxed jobs). */
  stopAfter?: number;
  /** Show a progress bar on a TTY (default true). */
  progress?: boolean;
  /** Log lines (default stderr). */
  log?: (line: string) => void;
}

/** Error raised when too many steps had a non-finite loss or gradient. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** A data-parallel helper thread died or failed; the finished steps were checkpointed first. */
export class TrainingWorkerError extends Error {
  override name = 'TrainingWorkerError';
}

/** What `Trainer.run` returns. */
export interface TrainSummary {
  step: number;
  finished: boolean;
  lastLoss: number;
  badSteps: number;
  dev?: EvalResult;
  bestWer: number | null;
  bestCer: number | null;
  bestStep: number | null;
  /** Participants of data-parallel training (1: this thread only). */
  workers: number;
}

/** The CTC training loop: data, model, AdamW, EMA, checkpoints, metrics, dev WER. */
export class Trainer {
  readonly cfg: TrainConfig;
  readonly model: StudentModel;
  /** AdamW: on tensors with one worker, on host memory (`HostAdamW`) with data-parallel workers. */
  readonly optimizer: CheckpointableOptimizer;
  private readonly tensorOptimizer?: AdamW;
  readonly ema?: WeightEma;
  readonly train: Utterance[];
  readonly dev: Utterance[];
  readonly batches: number[][];
  readonly cmvn: CmvnStatsJson;
  readonly objective: Objective;
  /** Data-parallel steps over helper threads (absent with one worker). */
  readonly parallel?: DataParallelStep;
  state: TrainerState;
  private readonly opts: TrainerOptions;
  private readonly log: (line: string) => void;
  private readonly metrics: MetricsLog;
  /** The run folder's `train.lock`, held until `dispose()` (or the process's exit). */
  private readonly lock: DirLock;

  private constructor(
    cfg: TrainConfig,
    init: {
      model: StudentModel; train: Utterance[]; dev: Utterance[]; cmvn: CmvnStatsJson; objective: Objective; parallel?: DataParallelStep;
      lock: DirLock; startStep: number;
    },
    opts: TrainerOptions,
  ) {
    this.cfg = cfg;
    this.opts = opts;
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.model = init.model;
    this.train = init.parallel?.utts ?? init.train;
    this.dev = init.dev;
    this.cmvn = init.cmvn;
    this.objective = init.objective;
    this.parallel = init.parallel;
    this.batches = makeBatches(this.train, cfg.batchFrames, cfg.maxBatch);
    this.tensorOptimizer = init.parallel ? undefined : new AdamW(adamwOptions(cfg));
    this.optimizer = init.parallel?.optimizer ?? this.tensorOptimizer!;
    this.ema = cfg.emaDecay > 0 ? new WeightEma(this.model.params.vars, cfg.emaDecay) : undefined;
    this.state = { step: 0, optimizerStep: 0, epoch: 0, cursor: 0, badSteps: 0, bestWer: null, bestCer: null, bestStep: null };
    this.metrics = new MetricsLog(cfg.runDir, init.startStep);
    this.lock = init.lock;
  }

  /**
   * Checks every setting and the run folder, takes the folder's lock, loads data (features cached under
   * runDir/cache), builds the model, and continues the folder's newest checkpoint when its saved config has
   * the same settings (a different one is refused; `fresh` starts over).
   */
  static async create(cfg: TrainConfig, opts: TrainerOptions = {}): Promise<Trainer> {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    // Everything a user can get wrong is checked before the run folder is touched.
    const problems = [...checkTrainConfig(cfg), ...checkTrainRun(cfg)];
    if (opts.fresh && opts.resume) problems.push('resume and fresh contradict each other: fresh removes the checkpoints resume continues');
    if (problems.length > 0) throw trainConfigError(problems);
    const backend = await initBackend({ backend: cfg.backend === 'auto' ? undefined : (cfg.backend as BackendName), log });
    const { lock, resumeFrom } = openRunDir(cfg, { fresh: opts.fresh ?? false, log });
    try {
      return await Trainer.build(cfg, opts, { backend: backend.name, lock, resumeFrom, log });
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** Everything after the run folder is opened: data, model, objective, helper threads, the restored checkpoint. */
  private static async build(
    cfg: TrainConfig, opts: TrainerOptions, run: { backend: BackendName; lock: DirLock; resumeFrom: string | undefined; log: (line: string) => void },
  ): Promise<Trainer> {
    const { log } = run;
    const progress = (what: string) => (done: number, total: number) => {
      if (done === total || done % 200 === 0) log(`[train] features ${what}: ${done}/${total}`);
    };
    const tr = await readSplit(cfg.train, path.join(cfg.runDir, 'cache', 'train'), progress('train'));
    // The run's own newest checkpoint comes first, then initFrom. A continued model keeps the feature
    // normalization it learned with, even when this run's data differs.
    const from = run.resumeFrom ?? (cfg.initFrom || undefined);
    const ck = from ? loadCheckpoint(from) : undefined;
    const stats = ck?.cmvn ? CmvnStats.fromJSON(ck.cmvn, `${ck.dir}/model.json cmvn`) : cmvnFromFeatures(tr.feats);
    const trainSplit = buildSplit(tr.entries, tr.feats, stats, cfg.maxFrames, true);
    log(`[train] ${trainSplit.utts.length} training utterances (skipped ${trainSplit.skippedTooLong} too long, ${trainSplit.skippedImpossible} shorter than their transcript)`);
    let dev: Utterance[] = [];
    if (cfg.dev) {
      const dv = await readSplit(cfg.dev, path.join(cfg.runDir, 'cache', 'dev'), progress('dev'));
      dev = buildSplit(dv.entries, dv.feats, stats, 0, false).utts.filter((u) => u.frames >= 7);
      if (cfg.evalMaxUtts > 0) dev = dev.slice(0, cfg.evalMaxUtts);
    }
    const overrides: Partial<ModelConfig> = {};
    if (cfg.dropout >= 0) overrides.dropout = cfg.dropout;
    if (cfg.residualInitScale !== -1) overrides.residualInitScale = cfg.residualInitScale;
    const model = createStudent(cfg.model, { seed: cfg.seed, overrides });
    const workers = Trainer.workerCount(cfg, run.backend, opts, log);
    log(`[train] model ${cfg.model}: ${(model.numParams() / 1e6).toFixed(2)}M parameters, backend ${tf.getBackend()}, ${workers} worker${workers > 1 ? 's (this thread + helper threads)' : ''}`);
    const objective = opts.objective ?? (opts.objectiveSpec ? await loadObjective(opts.objectiveSpec) : ctcObjective());
    const parallel = workers > 1
      ? await DataParallelStep.start({
          workers, model, objective, objectiveSpec: opts.objectiveSpec ?? null, utts: trainSplit.utts, backend: run.backend, seed: cfg.seed,
          specAugment: cfg.specAugment ? specAugmentOptions(cfg) : null, adamw: adamwOptions(cfg),
        })
      : undefined;
    const init = { model, train: trainSplit.utts, dev, cmvn: stats.toJSON(), objective, parallel, lock: run.lock, startStep: ck?.state.step ?? 0 };
    const trainer = new Trainer(cfg, init, opts);
    if (ck) trainer.restore(ck);
    else log(`[train] no checkpoint in ${cfg.runDir}/checkpoints: starting from step 0`);
    return trainer;
  }

  /** Workers of this run: the config's (0 = the cores available), 1 when the objective cannot be rebuilt on helper threads. */
  private static workerCount(cfg: TrainConfig, backend: string, opts: TrainerOptions, log: (line: string) => void): number {
    const n = resolveWorkerCount(cfg.workers, backend);
    if (n > 1 && (backend === 'tensorflow' || backend === 'tensorflow-gpu')) {
      log(`[train] backend ${backend} computes on every core (or the GPU) itself: 1 worker instead of ${n}`);
      return 1;
    }
    if (n > 1 && opts.objective && !opts.objectiveSpec) {
      if (cfg.workers > 1) throw new TrainingWorkerError(`workers=${cfg.workers}: this objective was passed as an object and cannot be rebuilt on helper threads; pass an objectiveSpec, or use workers=1`);
      log('[train] the objective was passed as an object (no objectiveSpec): training on this thread only');
      return 1;
    }
    return n;
  }

  /** Restores weights, optimizer, EMA, objective variables and trainer state from a loaded checkpoint (its CMVN is already in use). */
  private restore(ck: LoadedCheckpoint): void {
    assignWeights(this.model, ck.weights);
    this.optimizer.loadState(ck.state.optimizerStep, ck.optimizer);
    if (this.ema && ck.ema) this.ema.load(ck.ema);
    const objVars = this.objective.variables ?? new Map();
    for (const [name, v] of objVars) {
      const saved = ck.objective?.get(name);
      if (!saved) throw new CheckpointError(`${ck.dir}: checkpoint has no value for objective variable "${name}"; resume with the same objective settings`);
      tf.tidy(() => v.assign(tf.tensor(saved.values, saved.shape)));
    }
    this.state = { ...ck.state };
    this.log(`[train] resumed from ${ck.dir} (step ${ck.state.step}, epoch ${ck.state.epoch})`);
  }

  /** Writes a checkpoint of the current state. */
  checkpoint(): string {
    const moments = this.optimizer.stateTensors();
    try {
      return saveCheckpoint(
        path.join(this.cfg.runDir, 'checkpoints'),
        {
          model: this.model, ema: this.ema?.shadow, optimizer: moments, state: this.state, cmvn: this.cmvn,
          objective: [...(this.objective.variables ?? new Map()).entries()],
        },
        this.cfg.keepLast,
      );
    } finally {
      tf.dispose(moments.map(([, t]) => t));
    }
  }

  /** Dev WER with the EMA weights (if any). */
  async evaluate(): Promise<EvalResult> {
    return this.withEvalWeights(() => evaluateWer(this.model, this.dev, this.cfg));
  }

  private async withEvalWeights<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.ema) return fn();
    const backup = new Map<string, Tensor>();
    for (const [k, v] of this.model.params.vars) {
      backup.set(k, tf.clone(v));
      v.assign(this.ema.shadow.get(k)!);
    }
    try {
      return await fn();
    } finally {
      for (const [k, v] of this.model.params.vars) v.assign(backup.get(k)!);
      tf.dispose([...backup.values()]);
    }
  }

  private exportTo(dest: string, info: Record<string, unknown>): void {
    exportBundle(this.model, dest, { weights: this.ema?.shadow, cmvn: this.cmvn, info: { ...info, model: this.cfg.model, ema: !!this.ema } });
  }

  /** Runs until `cfg.steps` (or `stopAfter` steps in this process); returns a summary. */
  async run(): Promise<TrainSummary> {
    const cfg = this.cfg;
    if (this.batches.length === 0) throw new TrainingDivergedError(`no training batches: ${cfg.train} has no usable utterances`);
    const bar = this.metrics.progress(cfg.steps, this.state.step, this.opts.progress ?? true);
    let order = epochOrder(this.batches.length, cfg.seed, this.state.epoch);
    let lastLoss = NaN;
    let stepsHere = 0;
    let dev: EvalResult | undefined;
    let timedOut = false;
    const t0 = performance.now();
    while (this.state.step < cfg.steps && (this.opts.stopAfter === undefined || stepsHere < this.opts.stopAfter)) {
      if (this.state.cursor >= this.batches.length) {
        this.state.epoch++;
        this.state.cursor = 0;
        order = epochOrder(this.batches.length, cfg.seed, this.state.epoch);
      }
      const step = this.state.step;
      const idx = this.batches[order[this.state.cursor]];
      const utts = idx.map((i) => this.train[i]);
      const lr = learningRate(this.optimizer.step, cfg);
      const dropoutSeed = mixSeed(cfg.seed, step, 0x5eed);
      let r: StepResult;
      let frames = 0;
      if (this.parallel) {
        frames = utts.reduce((a, u) => a + u.frames, 0);
        r = await this.parallelStep({ indices: idx, step, dropoutSeed, augmentSeed: cfg.specAugment ? (p) => mixSeed(cfg.seed, step, p) : null, ema: this.ema, lr, clipNorm: cfg.clipNorm });
      } else {
        const batch = collate(utts, cfg.specAugment ? { options: specAugmentOptions(cfg), seeds: utts.map((_, i) => mixSeed(cfg.seed, step, i)) } : undefined);
        await this.objective.prepare?.(batch, step);
        r = trainStep(this.model, this.objective, batch, step, { optimizer: this.tensorOptimizer!, ema: this.ema, lr, clipNorm: cfg.clipNorm, dropoutSeed });
        this.objective.release?.(batch);
        frames = batch.lengths.reduce((a, b) => a + b, 0);
        disposeBatch(batch);
      }
      this.state.cursor++;
      this.state.step++;
      stepsHere++;
      if (r.applied) {
        lastLoss = r.loss;
        this.state.optimizerStep = this.optimizer.step;
      } else {
        this.state.badSteps++;
        this.log(`[train] step ${step + 1}: non-finite loss/gradient (loss ${r.loss}, norm ${r.gradNorm}); update skipped (${this.state.badSteps}/${cfg.maxBadSteps})`);
        if (this.state.badSteps > cfg.maxBadSteps) throw new TrainingDivergedError(`training diverged: ${this.state.badSteps} steps with non-finite loss or gradient (maxBadSteps=${cfg.maxBadSteps}); lower lr or check the data`);
      }
      const elapsed = (performance.now() - t0) / 1000;
      this.metrics.step({ step: this.state.step, epoch: this.state.epoch, loss: r.loss, ...prefix(r.terms), lr, gradNorm: r.gradNorm, applied: r.applied, batch: idx.length, frames, stepsPerSec: stepsHere / elapsed }, this.state.step % cfg.logEvery === 0 || this.state.step === cfg.steps);
      bar.update(this.state.step, { loss: r.loss, lr, sps: stepsHere / elapsed });
      const outOfTime = cfg.timeLimitMinutes > 0 && elapsed > cfg.timeLimitMinutes * 60;
      if (outOfTime) this.log(`[train] time limit of ${cfg.timeLimitMinutes} min reached at step ${this.state.step}`);
      const done = this.state.step >= cfg.steps || outOfTime;
      if (this.dev.length > 0 && ((cfg.evalEvery > 0 && this.state.step % cfg.evalEvery === 0) || done)) {
        dev = await this.evaluate();
        this.metrics.eval(this.state.step, dev);
        this.log(`[train] step ${this.state.step}: dev WER ${(100 * dev.wer).toFixed(2)}% CER ${(100 * dev.cer).toFixed(2)}% (${dev.utterances} utts)`);
        const best = cfg.bestMetric === 'wer' ? this.state.bestWer : this.state.bestCer;
        if (best === null || dev[cfg.bestMetric] < best) {
          this.state.bestWer = dev.wer;
          this.state.bestCer = dev.cer;
          this.state.bestStep = this.state.step;
          this.exportTo(path.join(cfg.runDir, 'best'), { step: this.state.step, devWer: dev.wer, devCer: dev.cer });
        }
      }
      if (this.state.step % cfg.checkpointEvery === 0 || done) {
        this.checkpoint();
        // Each worker's memory once the run is under way (a helper's wasm heap grows with its first slices) and at the end.
        if (this.parallel) await this.logMemory();
      }
      if (outOfTime) {
        timedOut = true;
        break;
      }
      // Between steps the event loop runs: Ctrl-C, a dead parent process (exitWithParent) and progress are handled.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    bar.stop();
    const finished = this.state.step >= cfg.steps || timedOut;
    if (!finished && this.opts.stopAfter !== undefined) this.checkpoint();
    if (finished) this.exportTo(path.join(cfg.runDir, 'final'), { step: this.state.step, devWer: dev?.wer ?? null, timedOut });
    this.metrics.writeCurves();
    return {
      step: this.state.step, finished, lastLoss, badSteps: this.state.badSteps, dev, bestWer: this.state.bestWer, bestCer: this.state.bestCer, bestStep: this.state.bestStep,
      workers: this.parallel?.workers ?? 1,
    };
  }

  /** A data-parallel step; when a helper dies, the finished steps are checkpointed before the error is raised. */
  private async parallelStep(args: ParallelStepArgs): Promise<StepResult> {
    try {
      return await this.parallel!.step(args);
    } catch (err) {
      if (!(err instanceof ReplicaWorkerError)) throw err;
      const dir = this.checkpoint();
      throw new TrainingWorkerError(`${err.message} during step ${args.step + 1}; the ${this.state.step} finished steps are saved in ${dir}; rerun the same command to resume (workers=1 trains on this thread only)`);
    }
  }

  /** Logs (and records in metrics.jsonl) the memory of every data-parallel participant, at every checkpoint. */
  private async logMemory(): Promise<void> {
    const mem = await this.parallel!.memory();
    const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 2 ** 20).toFixed(0)} MB`);
    this.log(`[train] memory per worker (V8 heap / wasm heap): ${mem.map((m) => `#${m.participant} ${mb(m.heapUsedBytes)} / ${mb(m.extra.wasmHeapBytes)}`).join(', ')}; process RSS ${mb(process.memoryUsage().rss)}`);
    this.metrics.record({ type: 'memory', step: this.state.step, rssBytes: process.memoryUsage().rss, workers: mem });
  }

  /** Frees model, optimizer and EMA tensors, stops the helper threads and disposes an objective built from its spec. */
  dispose(): void {
    void this.parallel?.close();
    if (this.opts.objectiveSpec) void this.objective.dispose?.();
    this.model.dispose();
    this.optimizer.dispose();
    this.ema?.dispose();
    this.lock.release();
  }
}


/** The trainer's AdamW hyper-parameters. */
function adamwOptions(cfg: TrainConfig): AdamWOptions {
  return { beta1: cfg.beta1, beta2: cfg.beta2, epsilon: cfg.epsilon, weightDecay: cfg.weightDecay };
}

/** The trainer's SpecAugment settings. */
function specAugmentOptions(cfg: TrainConfig): SpecAugmentOptions {
  return { numFreqMasks: cfg.freqMasks, freqMaskWidth: cfg.freqMaskWidth, numTimeMasks: cfg.timeMasks, timeMaskWidth: cfg.timeMaskWidth, timeMaskMaxProportion: 0.2 };
}

function prefix(terms: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(terms)) out[`loss/${k}`] = v;
  return out;
}


