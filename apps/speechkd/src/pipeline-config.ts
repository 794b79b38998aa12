import fs from 'node:fs';
import path from 'node:path';
import { RELEASED, readRelease, releasedModelDir } from '@speechkd/models';
import type { ReleaseInfo } from '@speechkd/models';
import { deriveSeed, getPreset, PRESETS } from '@speechkd/synth';
import { resolveDistillConfig } from '@speechkd/distill';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { LM_DECODING_DEFAULTS } from '@speechkd/recognizer';
import { readModelManifest, resolveModelConfig } from '@speechkd/student-trainer';
import { TOWER_PRESETS } from '@speechkd/text-encoders';
import { checkTrainerSettings, parsePairs, parseSpeechLayers, studentDistillSettings } from './stage-configs.js';
import { checkRecipeSettings, isInProjectFolder, onnxTeacherValue } from './librispeech-recipe.js';
import type { PresetConfig } from '@speechkd/synth';

/** Every setting of the main job (plain values; a preset overrides them, then `--key=value` flags). */
export interface PipelineConfig {
  /** Run name: outputs go to `<runsDir>/<name>`. */
  name: string;
  /** Folder for runs. */
  runsDir: string;
  /** Folder for the synthetic corpus (shared by runs with the same corpus and seed). */
  dataDir: string;
  /** Synthetic corpus preset: tiny, small, full (speechkd-synth presets) or micro (60 utterances, tests). */
  corpus: string;
  /** Seed of the corpus, initialization, shuffling and augmentation. */
  seed: number;
  /**
   * The speech teacher: `train` (this job trains it: the `teacher` stages and their settings below) or a model
   * folder: the name of a teacher released with the project (`@speechkd/models`; the default) or a path to a
   * released or `speechkd-train`-exported folder. A released teacher names the corpus it was trained on; the
   * job must synthesize that corpus (same preset and seed), whose dev and test speakers the teacher never heard.
   */
  speechTeacher: string;
  /** The text tower: `train` (the `text-tower` stage) or a released name (the default) or a text-tower folder. */
  textTeacher: string;
  /** Text tower MLM steps. */
  textSteps: number;
  /** Text tower architecture preset of @speechkd/text-encoders (tiny or small). */
  textTower: string;
  /** Brown sentences the text tower trains on (0 = all ~47k; tokenizing all takes about a minute). */
  textSentences: number;
  /** Speech teacher preset and its CTC steps. */
  teacherModel: string;
  teacherSteps: number;
  /** Student preset and its steps (the same for the CTC-only and the distilled student). */
  studentModel: string;
  studentSteps: number;
  /** Peak learning rate and warm-up of every speech model. */
  lr: number;
  warmupSteps: number;
  /** Learning-rate decay after warm-up: constant, inverse-sqrt or cosine. */
  decay: string;
  /** Padded frames per batch. */
  batchFrames: number;
  /** SpecAugment on speech-model training features ('true' or 'false'). */
  specAugment: string;
  /** Dropout of the speech models (-1 keeps the preset's). */
  dropout: number;
  /** Teacher hidden-state layers cached for distillation (comma list; 'uniform4' = four evenly spaced). */
  speechLayers: string;
  /** Distillation settings as `key=value` pairs of @speechkd/distill's config, comma-separated. */
  distill: string;
  /** Extra trainer settings for every speech model as `key=value` pairs of the trainer config (e.g. `evalEvery=500`). */
  trainer: string;
  /** Extra trainer settings for the speech teacher only (after `trainer`), e.g. `decay=linear,decayStart=2500`. */
  teacherTrainer: string;
  /** Extra trainer settings for the students only (after `trainer`), e.g. `residualInitScale=0.1,seed=2`. */
  studentTrainer: string;
  /**
   * Steps of a second teacher phase (0 = none): training continues from the teacher's last checkpoint
   * (weights, optimizer, EMA, step, data order) in `teacher-finetune/` with `teacherFinetuneTrainer` on top
   * of the teacher's settings, e.g. SpecAugment and dropout once the unregularized teacher has stopped improving.
   */
  teacherFinetuneSteps: number;
  /** Trainer settings of the second teacher phase (after `trainer` and `teacherTrainer`). */
  teacherFinetuneTrainer: string;
  /**
   * Extra synthetic training speakers for the teacher's second phase (0 = none): a corpus of new speakers
   * reading new sentences (the corpus's utterances per speaker, a seed derived from `seed`, speaker ids after
   * the corpus's), its utterances whose transcript is in the dev or test set left out. The students never
   * hear it: this is the teacher knowing more than the students' labelled data holds.
   */
  teacherExtraSpeakers: number;
  /**
   * Distil on a transfer set too ('true' or 'false'; needs `teacherExtraSpeakers`): the distilled students
   * also train on the teacher's extra speakers, with the teacher's greedy transcripts as their CTC targets
   * (sequence-level distillation) and its cached outputs as soft and layer targets. They never see those
   * utterances' true transcripts; the CTC-only student trains on the corpus's labels alone.
   */
  studentTransfer: string;
  /** Also train the ablation students: soft targets only, and soft targets + speech layers ('true' or 'false'). */
  ablations: string;
  /**
   * Stages trained at once, each in its own process. Each training gets `cores / jobs` data-parallel workers
   * (at least 1), so no two trainings share a core; with the default 1 every training uses every core.
   */
  jobs: number;
  /** Cores the job may use (0 = the cores available to the process). */
  cores: number;
  /** Evaluate at most this many utterances per test set (0 = all). */
  evalLimit: number;
  /** Real LibriSpeech subsets of the bundled sample to evaluate on (comma list; '' skips). */
  realSubsets: string;
  /** Tensor backend (auto, wasm, cpu, tensorflow, tensorflow-gpu). */
  backend: string;
  /** Inference engine of the evaluation: onnx (exported graph in onnxruntime, fast) or tfjs. */
  engine: string;
  /**
   * Order of the character n-gram LM of the LM-decoded rows (0 = none): interpolated Kneser-Ney on the Brown
   * sentences except the synthetic dev/test transcripts (the text tower's), fused into a beam search. Every
   * system is scored on the synthetic test and dev sets both greedy and with it.
   */
  lmOrder: number;
  /** LM weight of that decoding (score per label: lmWeight * log P_lm + lmBonus). */
  lmWeight: number;
  /** Score per emitted character of that decoding. */
  lmBonus: number;
  /** Beam width of that decoding. */
  beamSize: number;
  /**
   * Label the transfer set with that LM decoding ('true') instead of the teacher's greedy transcripts ('false'):
   * the teacher's best transcripts with the LM become the distilled students' CTC targets. The labelling LM
   * also leaves out every sentence of the teacher's training manifest (the students' corpus and the transfer
   * set), so it cannot recall a transcript it is asked for. Needs `lmOrder`.
   */
  transferLm: string;
  /**
   * LibriSpeech training subsets, comma-separated (e.g. `train-clean-100`): the job downloads them and the dev
   * and test sets below and trains and evaluates on real speech instead of the synthetic corpus ('' = synthetic).
   */
  librispeechTrain: string;
  /** LibriSpeech dev subset of such a run (the trainer's dev set). */
  librispeechDev: string;
  /** LibriSpeech test subsets of such a run, comma-separated. */
  librispeechTest: string;
  /** Base URL of the LibriSpeech archives (`<url>/<subset>.tar.gz`; '' = OpenSLR). */
  librispeechUrl: string;
  /** `subset=md5` pairs for archives that are not the official ones (a mirror's own); '' = OpenSLR's checksums. */
  librispeechMd5: string;
  /** Teacher targets of the distilled students: `cache` (computed once, stored) or `on-the-fly` (the teachers run in every training step; no disk). */
  teacherTargets: string;
  /**
   * Storage of the teacher cache: `dtype=float16|float32|int8,topk=K,pool=F,project=D,projectSeed=S` (speechkd-cache
   * build's options). On the fly nothing is stored: the students get the teachers' outputs as they are.
   */
  cacheStorage: string;
  /** transformers.js variant of ONNX (hub id or export folder) teachers: fp32, fp16, q8, ... */
  teacherModelDtype: string;
}

/**
 * Defaults: the embedded main job (about 10 minutes on 2 cores after install, no network): distil from the
 * teachers released with the project (models/: teacher-s4, 3.79 M parameters, trained on the small corpus,
 * seed 1, whose held-out dev/test speakers the students are scored on; the tiny Brown text tower). The students
 * are student-xs (0.99 M, 26 % of the teacher) for 1000 steps, residual branches starting at 0.1 of Glorot,
 * EMA 0.995, KD weight 3 (the full-kd3 recipe, chosen on dev), two trainings at a time. Another student seed:
 * `--studentTrainer=seed=2`. `--speechTeacher=train --textTeacher=train` trains the teachers instead (student-s
 * for `teacherSteps`, the text tower for `textSteps`).
 */
export const DEFAULT_PIPELINE: Readonly<PipelineConfig> = Object.freeze({
  name: 'default',
  runsDir: 'runs',
  dataDir: 'data',
  corpus: 'small',
  seed: 1,
  speechTeacher: RELEASED.speechTeacher,
  textTeacher: RELEASED.textTower,
  textTower: 'tiny',
  textSteps: 100,
  textSentences: 10000,
  teacherModel: 'student-s',
  teacherSteps: 500,
  studentModel: 'student-xs',
  studentSteps: 1000,
  lr: 1e-3,
  warmupSteps: 100,
  decay: 'constant',
  batchFrames: 1000,
  specAugment: 'false',
  dropout: 0,
  speechLayers: 'uniform4',
  distill: 'kdWeight=3',
  trainer: 'residualInitScale=0.1,emaDecay=0.995,evalEvery=250,evalMaxUtts=40',
  teacherTrainer: '',
  studentTrainer: '',
  teacherFinetuneSteps: 0,
  teacherFinetuneTrainer: '',
  teacherExtraSpeakers: 0,
  studentTransfer: 'false',
  ablations: 'false',
  jobs: 2,
  cores: 0,
  evalLimit: 0,
  realSubsets: 'test-clean,test-other,dev-clean',
  backend: 'auto',
  engine: 'onnx',
  lmOrder: LM_DECODING_DEFAULTS.lmOrder,
  lmWeight: LM_DECODING_DEFAULTS.lmWeight,
  lmBonus: LM_DECODING_DEFAULTS.lmBonus,
  beamSize: LM_DECODING_DEFAULTS.beamSize,
  transferLm: 'false',
  librispeechTrain: '',
  librispeechDev: 'dev-clean',
  librispeechTest: 'test-clean,test-other',
  librispeechUrl: '',
  librispeechMd5: '',
  teacherTargets: 'cache',
  cacheStorage: 'dtype=float16',
  teacherModelDtype: 'fp32',
} satisfies PipelineConfig);

/** The `full` preset (documented at its entry in `PIPELINE_PRESETS`); `full-kd3` builds on it. */
const FULL: Partial<PipelineConfig> = Object.freeze({
  name: 'full', corpus: 'small', speechTeacher: 'train', textTeacher: 'train', teacherModel: 'teacher-s4', teacherSteps: 6500, teacherTrainer: 'lr=0.0005,decay=linear,decayStart=3500',
  teacherFinetuneSteps: 5000, teacherFinetuneTrainer: 'lr=0.0003,decayStart=9000,specAugment=true,dropout=0.1', teacherExtraSpeakers: 180,
  studentTransfer: 'true',
  studentModel: 'student-xs', studentSteps: 2000,
  warmupSteps: 100, textTower: 'tiny', textSteps: 1000, textSentences: 0, ablations: 'true', distill: '', jobs: 1,
  trainer: 'emaDecay=0.995,evalEvery=500,evalMaxUtts=40,checkpointEvery=100',
});

/** The `librispeech-100` preset (documented at its entry in `PIPELINE_PRESETS`). */
const LIBRISPEECH_100: Partial<PipelineConfig> = Object.freeze({
  name: 'librispeech-100', librispeechTrain: 'train-clean-100', librispeechDev: 'dev-clean', librispeechTest: 'test-clean,test-other',
  speechTeacher: 'Xenova/wav2vec2-base-960h', textTeacher: 'Xenova/bert-base-uncased', cacheStorage: 'dtype=int8,project=384',
  studentModel: 'student-s', studentSteps: 60000, lr: 1e-3, warmupSteps: 1000, decay: 'inverse-sqrt', batchFrames: 8000, specAugment: 'true',
  trainer: 'emaDecay=0.9995,evalEvery=5000,evalMaxUtts=400,checkpointEvery=500', realSubsets: '', lmOrder: 0,
});

/** Named presets over the defaults. */
export const PIPELINE_PRESETS: Readonly<Record<string, Partial<PipelineConfig>>> = Object.freeze({
  default: {},
  /**
   * The experiment of RESULTS.md (about 3 hours on 2 cores): small corpus, teacher-s4 (3.8 M) for 6500
   * steps at lr 5e-4 (width 192 learns slower at the students' 1e-3; peak rate until 3500, then linear
   * decay), then 5000 more with SpecAugment and dropout 0.1 at lr 3e-4, decaying linearly after step 9000
   * (without them it overfits the 89 minutes of speech after ~4500 steps), hearing 180 extra synthetic
   * speakers in that phase (4.3 h more speech than the CTC-only student gets; test CER 30.8% -> 26.5%);
   * student-xs (0.99 M, 26% of the teacher) for 2000 steps CTC-only, distilled, and the two ablations, the
   * distilled ones also on the extra speakers labelled by the teacher (transfer set), each training on every
   * core; dev WER on 40 dev utterances every 500 steps.
   */
  full: FULL,
  /**
   * The recipe of the issue-8 result (RESULTS.md, session 9): `full` with the students' residual branches
   * starting at 0.1 of Glorot, KD weight 3 (chosen on dev over six student seeds against weight 1), no ablations.
   * The teacher is `full`'s. Another student seed: `--studentTrainer=residualInitScale=0.1,seed=2`.
   */
  'full-kd3': {
    ...FULL, name: 'full-kd3', studentTrainer: 'residualInitScale=0.1', distill: 'kdWeight=3', ablations: 'false',
  },
  /**
   * Real speech: download LibriSpeech train-clean-100, dev-clean, test-clean and test-other, distil from
   * pretrained ONNX teachers (hub ids, downloaded into the Hugging Face cache; override with --speechTeacher /
   * --textTeacher: a hub id or an export folder), their outputs cached as int8 with the speech states projected
   * to 384 dims (train-clean-100: about 28 GiB instead of 107 GiB in float16; --teacherTargets=on-the-fly needs
   * no disk), train student-s CTC-only and distilled, evaluate on the real dev and test sets. What it needs
   * (disk, hours on N cores) is in the README.
   */
  'librispeech-100': LIBRISPEECH_100,
  /** A few steps of everything (integration tests). */
  micro: {
    name: 'micro', corpus: 'micro', speechTeacher: 'train', textTeacher: 'train', textTower: 'tiny', textSteps: 6, textSentences: 2000, teacherModel: 'test-tiny', teacherSteps: 8, studentModel: 'test-tiny',
    studentSteps: 16, lr: 3e-3, warmupSteps: 2, distill: '', trainer: '', jobs: 1, batchFrames: 3000, evalLimit: 4, realSubsets: 'test-clean',
    teacherFinetuneSteps: 4, teacherFinetuneTrainer: 'specAugment=true,dropout=0.1', teacherExtraSpeakers: 2, studentTransfer: 'true', lmOrder: 3, transferLm: 'true',
  },
});

/** The `micro` corpus: 6/2/2 speakers reading 6/3/3 sentences (a minute to synthesize; integration tests). */
export const MICRO_CORPUS = Object.freeze({
  name: 'micro',
  speakers: { train: 6, dev: 2, test: 2 },
  uttsPerSpeaker: { train: 6, dev: 3, test: 3 },
  chaptersPerSpeaker: 1,
  fliteShare: 0.2,
});

/** The corpus preset of a run (`micro` is the pipeline's own). */
export function corpusPreset(cfg: PipelineConfig): PresetConfig {
  return cfg.corpus === 'micro' ? { ...MICRO_CORPUS } : getPreset(cfg.corpus);
}

/**
 * The teacher's extra corpus (`teacherExtraSpeakers` > 0): train speakers only, shaped like the run's corpus,
 * seeded apart from it, with speaker ids after the corpus's last one so the two never share an utterance id.
 */
export function teacherExtraCorpus(cfg: PipelineConfig): { preset: PresetConfig; seed: number } | null {
  if (cfg.teacherExtraSpeakers === 0) return null;
  const base = corpusPreset(cfg);
  const { train, dev, test } = base.speakers;
  return {
    preset: {
      name: `${base.name}-teacher-extra`,
      speakers: { train: cfg.teacherExtraSpeakers, dev: 0, test: 0 },
      uttsPerSpeaker: { train: base.uttsPerSpeaker.train, dev: 0, test: 0 },
      chaptersPerSpeaker: base.chaptersPerSpeaker,
      fliteShare: base.fliteShare,
      firstSpeakerId: (base.firstSpeakerId ?? 1001) + train + dev + test,
    },
    seed: deriveSeed(cfg.seed, 'teacher-extra'),
  };
}

import { PipelineConfigError } from './config-error.js';
export { PipelineConfigError } from './config-error.js';
export { coreBudget } from './stage-configs.js';

/** Tensor backends a run may ask for, and learning-rate decays (the trainer's). */
const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
const DECAYS = ['inverse-sqrt', 'cosine', 'linear', 'constant'];

/**
 * Defaults <- preset <- flags, then every setting checked before anything runs or is written: unknown keys,
 * ill-typed and out-of-range values, model, corpus and tower presets, `key=value` lists against the configs
 * they set (trainer, distillation), LibriSpeech subsets, teacher folders. All problems come in one
 * PipelineConfigError, one line each naming the flag and what is allowed.
 */
export function resolvePipelineConfig(preset: string, flags: Record<string, string>): PipelineConfig {
  const p = PIPELINE_PRESETS[preset];
  if (!p) throw new PipelineConfigError(`--preset ${preset}: unknown preset; use one of ${Object.keys(PIPELINE_PRESETS).join(', ')}`);
  const problems: string[] = [];
  const cfg: Record<string, unknown> = { ...DEFAULT_PIPELINE, ...p };
  for (const [key, raw] of Object.entries(flags)) {
    if (!(key in DEFAULT_PIPELINE)) {
      problems.push(`--${key}: unknown setting; known: ${Object.keys(DEFAULT_PIPELINE).join(', ')}`);
      continue;
    }
    const def = (DEFAULT_PIPELINE as Record<string, unknown>)[key];
    if (typeof def === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) problems.push(`--${key}=${raw}: must be a number`);
      else cfg[key] = n;
    } else {
      cfg[key] = raw;
    }
  }
  const c = cfg as unknown as PipelineConfig;
  problems.push(...checkPipelineConfig(c));
  if (problems.length === 1) throw new PipelineConfigError(problems[0]);
  if (problems.length > 1) throw new PipelineConfigError(`${problems.length} problems with the settings (nothing was run):\n  ${problems.join('\n  ')}`);
  return c;
}

/** Every problem with a resolved config, one line each (empty when it is fine). */
export function checkPipelineConfig(c: PipelineConfig): string[] {
  const problems: string[] = [];
  const mayBeZero = new Set(['textSentences', 'evalLimit', 'teacherFinetuneSteps', 'teacherExtraSpeakers', 'lmOrder', 'cores', 'seed', 'warmupSteps']);
  for (const k of ['seed', 'textSteps', 'teacherSteps', 'teacherFinetuneSteps', 'teacherExtraSpeakers', 'studentSteps', 'batchFrames', 'textSentences', 'evalLimit', 'jobs', 'cores', 'lmOrder', 'beamSize', 'warmupSteps'] as const) {
    const min = mayBeZero.has(k) ? 0 : 1;
    if (!Number.isInteger(c[k]) || c[k] < min) problems.push(`--${k}=${c[k]}: must be an integer >= ${min}`);
  }
  if (!(c.lr > 0)) problems.push(`--lr=${c.lr}: must be > 0`);
  if (!(c.dropout === -1 || (c.dropout >= 0 && c.dropout < 1))) problems.push(`--dropout=${c.dropout}: use -1 (the model preset's) or a rate in [0, 1)`);
  if (c.teacherExtraSpeakers > 0 && c.teacherFinetuneSteps === 0 && c.speechTeacher === 'train') {
    problems.push(`--teacherExtraSpeakers=${c.teacherExtraSpeakers}: the extra speakers train the teacher's second phase; set --teacherFinetuneSteps too`);
  }
  if (c.studentTransfer === 'true' && c.teacherExtraSpeakers === 0) {
    problems.push('--studentTransfer=true: the transfer set is the teacher\'s extra speakers; set --teacherExtraSpeakers too');
  }
  if (c.lmOrder === 1 || c.lmOrder > 12) problems.push(`--lmOrder=${c.lmOrder}: use 0 (no LM) or an order in [2, 12]`);
  if (!(c.lmWeight >= 0)) problems.push(`--lmWeight=${c.lmWeight}: must be >= 0`);
  if (c.engine !== 'onnx' && c.engine !== 'tfjs') problems.push(`--engine=${c.engine}: use onnx or tfjs`);
  if (!DECAYS.includes(c.decay)) problems.push(`--decay=${c.decay}: use one of ${DECAYS.join(', ')}`);
  if (!BACKENDS.includes(c.backend)) problems.push(`--backend=${c.backend}: use one of ${BACKENDS.join(', ')}`);
  if (c.transferLm === 'true' && (c.studentTransfer !== 'true' || c.lmOrder === 0)) {
    problems.push('--transferLm=true: labels the transfer set with the LM; set --studentTransfer=true and an --lmOrder too');
  }
  problems.push(...checkRecipeSettings(c));
  for (const k of ['specAugment', 'ablations', 'studentTransfer', 'transferLm'] as const) {
    if (c[k] !== 'true' && c[k] !== 'false') problems.push(`--${k}=${c[k]}: use true or false`);
  }
  if (!/^[\w.-]+$/.test(c.name)) problems.push(`--name=${c.name}: use letters, digits, '.', '_' or '-'`);
  if (c.corpus !== 'micro' && !(c.corpus in PRESETS)) problems.push(`--corpus=${c.corpus}: use one of micro, ${Object.keys(PRESETS).join(', ')}`);
  if (!(c.textTower in TOWER_PRESETS)) problems.push(`--textTower=${c.textTower}: use one of ${Object.keys(TOWER_PRESETS).join(', ')}`);
  const subsets = fs.existsSync(LIBRISPEECH_SAMPLE_ROOT) ? fs.readdirSync(LIBRISPEECH_SAMPLE_ROOT).filter((d) => fs.statSync(path.join(LIBRISPEECH_SAMPLE_ROOT, d)).isDirectory()) : [];
  for (const s of c.realSubsets.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!subsets.includes(s)) problems.push(`--realSubsets: "${s}" is not a subset of the bundled LibriSpeech sample; use some of ${subsets.join(', ')} (or '' for none)`);
  }
  let sources: ReturnType<typeof teacherSources> | undefined;
  try {
    sources = teacherSources(c);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const speechTrained = sources?.speech.train ?? c.speechTeacher === 'train';
  if (sources && !sources.speech.train && sources.speech.onnx && c.studentTransfer === 'true') {
    problems.push(`--studentTransfer=true: labels the transfer set with an in-project speech teacher; --speechTeacher=${c.speechTeacher} is an ONNX export`);
  }
  problems.push(...checkTrainerSettings(c, speechTrained));
  for (const distill of [c.distill, ...studentDistillSettings(c)]) {
    try {
      resolveDistillConfig({ seed: c.seed, ...parsePairs(c.distill, 'distill'), ...parsePairs(distill, 'distill') });
    } catch (err) {
      problems.push(`--distill=${c.distill}: ${(err as Error).message}`);
      break;
    }
  }
  try {
    // An ONNX teacher's depth is known once it is loaded (its stage checks the layers then).
    const layers = speechTrained ? resolveModelConfig(c.teacherModel).numLayers : sources && !sources.speech.train && !sources.speech.onnx ? readModelManifest(sources.speech.dir).modelConfig.numLayers : null;
    if (layers !== null) parseSpeechLayers(c.speechLayers, layers);
  } catch (err) {
    if (!problems.some((x) => x.startsWith('--teacherModel'))) problems.push(`--speechLayers=${c.speechLayers}: ${(err as Error).message.replace(/^--speechLayers=\S+: /, '')}`);
  }
  return [...new Set(problems)];
}

/**
 * Where a teacher comes from: trained by the job, a model folder (with its release record when it is a release),
 * or an ONNX export (`onnx`: the flag value that loads it, a hub id or `onnx:DIR`; `dir` is the setting as given).
 */
export type TeacherSource = { train: true } | { train: false; dir: string; release: ReleaseInfo | null; onnx?: string };

/**
 * The run's speech and text teachers. A folder must hold the model (`model.json`; a text tower's `config.json`
 * or `LATEST`); a released speech teacher trained on the synthetic corpus must be used with that corpus
 * (preset and seed), so that the run's dev and test sets are the speakers and sentences it never heard.
 */
export function teacherSources(c: PipelineConfig): { speech: TeacherSource; text: TeacherSource } {
  const source = (flag: 'speechTeacher' | 'textTeacher', markers: string[]): TeacherSource => {
    const v = c[flag];
    if (v === 'train') return { train: true };
    const onnx = onnxTeacherValue(v, (x) => isInProjectFolder(releasedModelDir(x), markers));
    if (onnx) return { train: false, dir: v, release: null, onnx };
    const dir = releasedModelDir(v);
    if (!markers.some((m) => fs.existsSync(path.join(dir, m)))) {
      throw new PipelineConfigError(`--${flag}=${v}: ${dir} holds no ${markers.join(' or ')}; give 'train', a released model (${Object.values(RELEASED).join(', ')}), a model folder, a Hugging Face ONNX export folder or a hub id (owner/name)`);
    }
    let release: ReleaseInfo | null;
    try {
      release = readRelease(dir);
    } catch (err) {
      throw new PipelineConfigError(`--${flag}=${v}: ${(err as Error).message}`);
    }
    return { train: false, dir, release };
  };
  const speech = source('speechTeacher', ['model.json']);
  const text = source('textTeacher', ['config.json', 'LATEST']);
  if (!speech.train && speech.release?.data.corpus !== undefined) {
    const { corpus, seed } = speech.release.data;
    if (corpus !== c.corpus || seed !== c.seed) {
      throw new PipelineConfigError(`--speechTeacher=${c.speechTeacher}: released for the synthetic ${corpus} corpus, seed ${seed} (its dev/test speakers held out), but this run synthesizes ${c.corpus}, seed ${c.seed}, whose dev/test sets may hold voices and sentences it heard; use --corpus=${corpus} --seed=${seed}, or --speechTeacher=train`);
    }
  }
  if (!speech.train && c.teacherFinetuneSteps > 0) {
    throw new PipelineConfigError(`--teacherFinetuneSteps=${c.teacherFinetuneSteps} trains the speech teacher, but --speechTeacher=${c.speechTeacher} is a trained one; set --speechTeacher=train or --teacherFinetuneSteps=0`);
  }
  if (!speech.train && c.teacherExtraSpeakers > 0 && c.studentTransfer !== 'true') {
    throw new PipelineConfigError(`--teacherExtraSpeakers=${c.teacherExtraSpeakers}: with a trained --speechTeacher the extra speakers serve only as the students' transfer set; set --studentTransfer=true or --teacherExtraSpeakers=0`);
  }
  return { speech, text };
}
