import { tf } from '@speechkd/tensor-backend';
import {
  attentionAlignLoss, constantTemperature, cosineTemperature, createAttentionAligner, createProjector, createUncertaintyWeighting,
  infoNceLoss, kdLoss, layerMatchLoss, lengthsToMask, linearTemperature, meanPool, pairKey, resampleTime,
} from '@speechkd/alignment';
import type { AttentionAligner, LayerPair, Projector, TemperatureSchedule, UncertaintyWeighting } from '@speechkd/alignment';
import { ctcTerm } from '@speechkd/student-trainer';
import type { LossContext, LossTerms, Objective, TrainBatch } from '@speechkd/student-trainer';
import { openLiveTargets, openTeacherCache } from '@speechkd/teachers';
import type { CacheHeader, OpenLiveTargetsOptions } from '@speechkd/teachers';
import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import { disposeBatchTargets, loadBatchTargets } from './batch-targets.js';
import type { BatchTargets, PaddedStack, TargetSource } from './batch-targets.js';
import { DistillConfigError } from './distill-config.js';
import type { DistillConfig } from './distill-config.js';
import { resolveLayerPairs } from './layer-pairs.js';
import { teacherLogitColumns } from './ctc-label-map.js';

/** What the objective must know about the student (not the model itself: it never touches its weights). */
export interface StudentShape {
  /** Number of blocks; hiddenStates has numLayers + 1 entries (0 = subsampling output). */
  numLayers: number;
  /** Hidden width. */
  dim: number;
}

/** A distillation objective: the trainer's Objective plus its own trainable variables (heads, aligner, weights). */
export interface DistillObjective extends Objective {
  /** Variables the optimizer must train and checkpoints must save, by stable name. */
  variables: Map<string, Variable>;
  /** The student→teacher layer pairs in use (for logging). */
  pairs: LayerPair[];
  /** Frees the variables. */
  dispose(): void;
}

function temperatureSchedule(c: DistillConfig): TemperatureSchedule {
  if (c.temperatureSchedule === 'constant') return constantTemperature(c.temperature);
  const opts = { from: c.temperature, to: c.temperatureEnd, steps: c.temperatureSteps };
  return c.temperatureSchedule === 'linear' ? linearTemperature(opts) : cosineTemperature(opts);
}

/** Brings a teacher stack onto the student's frames: identity when lengths agree, else linear time resampling. */
function onStudentFrames(t: PaddedStack, studentLengths: readonly number[], studentMask: Tensor2D): Tensor3D {
  const frames = studentMask.shape[1];
  const same = t.values.shape[1] === frames && t.lengths.every((l, i) => l === studentLengths[i]);
  return same ? t.values : resampleTime(t.values, t.mask, studentMask);
}

/**
 * Builds `L = ctc + kd * T^2 KL + speech * layer matching + text * cross-modal alignment (+ contrastive)`
 * over targets read from a teacher cache. Terms are returned unweighted (per-pair `s2->t8` terms are
 * logged with weight 0); `weights(step)` applies the config's weights and the distillation warm-up.
 */
export function createDistillObjective(source: TargetSource, header: CacheHeader, student: StudentShape, config: DistillConfig): DistillObjective {
  const c = config;
  const useKd = c.kdWeight > 0;
  const useSpeech = c.speechWeight > 0;
  const useText = c.textWeight > 0 || c.contrastiveWeight > 0;
  if ((useKd || useSpeech) && !header.speech) throw new DistillConfigError('kdWeight/speechWeight > 0 but the teacher cache has no speech teacher');
  if (useKd && !header.speech?.logits) throw new DistillConfigError('kdWeight > 0 but the teacher cache holds no speech logits');
  if (useText && !header.text) throw new DistillConfigError('textWeight/contrastiveWeight > 0 but the teacher cache has no text teacher');

  const logitColumns = useKd ? teacherLogitColumns(header.speech!.vocab, header.speech!.vocabSize) : null;
  const pairs = useSpeech ? resolveLayerPairs(c.speechLayers, student.numLayers, header.speech!.layers) : [];
  const textLayers = header.text ? [...header.text.layers].sort((a, b) => a - b) : [];
  const textLayer = useText ? (c.textTeacherLayer < 0 ? textLayers[textLayers.length - 1] : c.textTeacherLayer) : null;
  if (textLayer !== null && !textLayers.includes(textLayer)) throw new DistillConfigError(`textTeacherLayer ${textLayer} is not cached (cached: ${textLayers.join(', ')})`);
  const textStudentLayer = c.textStudentLayer < 0 ? student.numLayers : c.textStudentLayer;
  if (textStudentLayer > student.numLayers) throw new DistillConfigError(`textStudentLayer ${textStudentLayer} > ${student.numLayers} student blocks`);

  const variables = new Map<string, Variable>();
  const own = (prefix: string, vars: readonly Variable[]) => vars.forEach((v, i) => variables.set(`${prefix}/${i}`, v));
  const projectors: Record<string, Projector> = {};
  pairs.forEach((p, i) => {
    const proj = createProjector(student.dim, header.speech!.dim, { seed: c.seed * 1000 + i });
    projectors[pairKey(p)] = proj;
    own(`distill/proj/${pairKey(p)}`, proj.variables);
  });
  let aligner: AttentionAligner | null = null;
  if (c.textWeight > 0) {
    aligner = createAttentionAligner(student.dim, header.text!.dim, { attnDim: c.textAttnDim, seed: c.seed * 1000 + 500 });
    own('distill/aligner', aligner.variables);
  }
  let pooledHead: Projector | null = null;
  if (c.contrastiveWeight > 0) {
    pooledHead = createProjector(student.dim, header.text!.dim, { seed: c.seed * 1000 + 600 });
    own('distill/contrastive', pooledHead.variables);
  }
  const distillNames = [useKd && 'kd', useSpeech && 'speech', c.textWeight > 0 && 'text', c.contrastiveWeight > 0 && 'contrastive'].filter(Boolean) as string[];
  let uw: UncertaintyWeighting | null = null;
  if (c.weighting === 'uncertainty' && distillNames.length > 0) {
    uw = createUncertaintyWeighting(distillNames);
    own('distill/logvar', uw.variables);
  }
  const temperature = temperatureSchedule(c);
  const pending = new Map<string, BatchTargets>();
  const keyOf = (ids: readonly string[]) => ids.join('\u0000');

  const terms = (ctx: LossContext): LossTerms => {
    const targets = pending.get(keyOf(ctx.batch.ids));
    if (!targets) throw new DistillConfigError('distillation targets were not prepared for this batch (the trainer must call objective.prepare)');
    const out = ctx.output;
    const lengths = out.outputLengths;
    const frames = out.logits.shape[1];
    const mask = lengthsToMask(lengths, frames);
    const result: LossTerms = { ctc: ctcTerm(ctx) };
    if (useKd) {
      const t = onStudentFrames(targets.speechLogits!, lengths, mask);
      result.kd = kdLoss(t, out.logits, { temperature: temperature(ctx.step), mask }) as Scalar;
    }
    if (useSpeech) {
      const teacherStates: Tensor[] = [];
      for (const p of pairs) teacherStates[p.teacher] = onStudentFrames(targets.speechLayers.get(p.teacher)!, lengths, mask);
      const m = layerMatchLoss(teacherStates, out.hiddenStates, pairs, { loss: c.speechLoss, mask, projectors, combine: 'mean' });
      result.speech = m.total;
      Object.assign(result, m.terms);
    }
    if (useText) {
      const text = targets.text!;
      const studentStates = out.hiddenStates[textStudentLayer];
      if (aligner) result.text = attentionAlignLoss(aligner, text.values, text.mask, studentStates, mask, { loss: c.textLoss, direction: 'tokens-to-frames' }) as Scalar;
      if (pooledHead) {
        const speechEmb = pooledHead.apply(meanPool(studentStates, mask));
        result.contrastive = infoNceLoss(meanPool(text.values, text.mask), speechEmb, { temperature: c.contrastiveTemperature }) as Scalar;
      }
    }
    if (uw) {
      const raw: Record<string, Scalar> = {};
      for (const n of distillNames) raw[n] = result[n];
      result.uncertainty = uw.combine(raw);
    }
    return result;
  };

  const weights = (step: number): Record<string, number> => {
    const ramp = c.distillWarmupSteps > 0 ? Math.min(1, step / c.distillWarmupSteps) : 1;
    const w: Record<string, number> = { ctc: c.ctcWeight };
    const fixed: Record<string, number> = { kd: c.kdWeight, speech: c.speechWeight, text: c.textWeight, contrastive: c.contrastiveWeight };
    for (const n of distillNames) w[n] = uw ? 0 : fixed[n] * ramp; // under uncertainty weighting the raw terms are logged only
    if (uw) w.uncertainty = ramp;
    for (const p of pairs) w[pairKey(p)] = 0; // per-pair terms are logged; their mean is `speech`
    return w;
  };

  /**
   * Units each term averages over: CTC utterances; KD and layer matching valid student frames; text alignment
   * valid text tokens. The contrastive and uncertainty terms count utterances: in data-parallel training each
   * slice contrasts within itself (in-slice negatives, as distributed contrastive training without an
   * all-gather does), so those two terms are the whole batch's only up to that.
   */
  const termCounts = (batch: TrainBatch, outputLengths: readonly number[]): Record<string, number> => {
    const n = batch.ids.length;
    const frames = outputLengths.reduce((a, b) => a + b, 0);
    const out: Record<string, number> = { ctc: n };
    if (useKd) out.kd = frames;
    if (useSpeech) {
      out.speech = frames;
      for (const p of pairs) out[pairKey(p)] = frames;
    }
    if (c.textWeight > 0) out.text = pending.get(keyOf(batch.ids))?.text?.lengths.reduce((a, b) => a + b, 0) ?? 0;
    if (c.contrastiveWeight > 0) out.contrastive = n;
    if (uw) out.uncertainty = n;
    return out;
  };

  return {
    needsHidden: useSpeech || useText,
    needsAttention: false,
    terms,
    weights,
    termCounts,
    variables,
    pairs,
    prepare: async (batch) => {
      const t = await loadBatchTargets(source, batch.ids, {
        logits: useKd,
        speechLayers: [...new Set(pairs.map((p) => p.teacher))],
        textLayer,
        logitColumns,
      });
      pending.set(keyOf(batch.ids), t);
    },
    release: (batch) => {
      const k = keyOf(batch.ids);
      const t = pending.get(k);
      if (t) disposeBatchTargets(t);
      pending.delete(k);
    },
    dispose: () => {
      for (const t of pending.values()) disposeBatchTargets(t);
      pending.clear();
      for (const v of variables.values()) v.dispose();
      variables.clear();
    },
  };
}

/** Options of `openDistillObjective` (plain data, so a worker thread can rebuild the same objective). */
export type OpenDistillObjectiveOptions = {
  student: StudentShape;
  config: DistillConfig;
} & (
  | {
      /** A teacher cache folder (`speechkd-cache build`). */
      cacheDir: string;
      live?: undefined;
    }
  | {
      cacheDir?: undefined;
      /** On the fly: the teachers run on each batch, nothing is cached; each (worker) thread loads its own teachers. */
      live: OpenLiveTargetsOptions;
    }
);

/**
 * Opens a teacher cache, or the teachers themselves for targets computed on the fly, and builds the
 * distillation objective over it; `dispose` also closes the cache or frees the teachers. This is the factory
 * data-parallel training names in its objective spec (`{ module: '@speechkd/distill', factory:
 * 'openDistillObjective', options }`): every worker thread opens its own cache reader, or its own teacher
 * sessions (threads `live.threads` each).
 */
export async function openDistillObjective(o: OpenDistillObjectiveOptions): Promise<DistillObjective> {
  const source = o.live ? await openLiveTargets(o.live) : await openTeacherCache(o.cacheDir);
  let objective: DistillObjective;
  try {
    objective = createDistillObjective(source, source.header, o.student, o.config);
  } catch (err) {
    await ('close' in source ? source.close() : source.dispose());
    throw err;
  }
  const free = objective.dispose;
  return {
    ...objective,
    dispose: () => {
      free();
      void ('close' in source ? source.close() : source.dispose());
    },
  };
}
