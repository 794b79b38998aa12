import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@speechkd/tensor-backend';
import type { BackendName } from '@speechkd/tensor-backend';
import { synthesizeCorpus } from '@speechkd/synth';
import { readManifest, writeManifest } from '@speechkd/librispeech';
import { TOWER_PRESETS, loadBrownSentences, readExcludeSet, resolveCheckpointDir, trainTextTower } from '@speechkd/text-encoders';
import { Trainer, listCheckpoints, readModelManifest, resolveModelConfig, resolveTrainConfig } from '@speechkd/student-trainer';
import { openBundle } from './open-bundle.js';
import type { ObjectiveSpec, TrainConfig } from '@speechkd/student-trainer';
import { buildTeacherCache, loadAudioAt, loadInProjectSpeechTeacher, loadInProjectTextTeacher, loadSpeechTeacherFlag, loadTextTeacherFlag } from '@speechkd/teachers';
import type { CacheTextTeacher, SpeechTeacher } from '@speechkd/teachers';
import { parseModelDtype } from '@speechkd/onnx-graph';
import { resolveDistillConfig } from '@speechkd/distill';
import type { DistillObjective, OpenDistillObjectiveOptions } from '@speechkd/distill';
import type { PipelineConfig } from './pipeline-config.js';
import { DEFAULT_PIPELINE, PipelineConfigError, checkPipelineConfig, corpusPreset, teacherExtraCorpus, teacherSources } from './pipeline-config.js';
import { coreBudget, parsePairs, parseSpeechLayers, studentVariants, trainConfig } from './stage-configs.js';
export { parseSpeechLayers, studentVariants, trainConfig } from './stage-configs.js';
export type { StudentVariant } from './stage-configs.js';
import { readRelease } from '@speechkd/models';
import { readStage, runStage, StageFailedError, writeJsonAtomic } from './stage.js';
import { progressLine } from './progress.js';
import type { Log } from './stage.js';
import { evaluateSystems } from './evaluate-systems.js';
import type { SystemResult } from './evaluate-systems.js';
import { compareStudents, fmtPct, readDevCurve, writeReports } from './report.js';
import type { Comparison } from './report.js';
import { labelWithTeacher } from './transfer-labels.js';
import { trainBrownLm } from './brown-lm.js';
import { fetchOnnxTeachers, librispeechCorpus, librispeechEvalSets, librispeechSubsets, parseCacheStorage, usesLibriSpeech } from './librispeech-recipe.js';
import type { CorpusRecord, OnnxTeachersRecord } from './librispeech-recipe.js';

/** Where each artifact of a run lives. */
export interface RunPaths {
  run: string;
  corpus: string;
  textTower: string;
  teacher: string;
  /** Second teacher phase (`teacherFinetuneSteps` > 0). */
  teacherFinetune: string;
  /** The teacher the students learn from and the report evaluates: the second phase's when there is one, or the teacher folder given. */
  speechTeacher: string;
  /** The speech teacher's model folder: `<speechTeacher>/final` of a trained one, the folder itself when given. */
  teacherBundle: string;
  /** The text tower's folder (trained by the job or given). */
  textTeacher: string;
  /** The teacher's extra corpus (`teacherExtraSpeakers` > 0) and the manifest the teacher's second phase trains on. */
  teacherCorpus: string;
  teacherTrain: string;
  /** The distilled students' training manifest with `studentTransfer`: the corpus's train set + the teacher-labelled extra speakers. */
  studentTransfer: string;
  cache: string;
  studentCtc: string;
  studentKd: string;
  eval: string;
}

/** What the main job produced. */
export interface PipelineResult {
  paths: RunPaths;
  systems: SystemResult[];
  /** The distilled student against the CTC-only one (null for a partial run). */
  comparison: Comparison | null;
  /** Seconds of every stage (reused ones as recorded) and of this invocation. */
  stageSeconds: Record<string, number>;
  wallSeconds: number;
  /** Paths of report.md, report.html and summary.json. */
  reports: { markdown: string; html: string; summary: string };
}

/** Paths of a run from its config. */
export function runPaths(cfg: PipelineConfig): RunPaths {
  const run = path.resolve(cfg.runsDir, cfg.name);
  const corpusName = `synth-${cfg.corpus}-seed${cfg.seed}`;
  const sources = teacherSources(cfg);
  const trainedTeacher = path.join(run, cfg.teacherFinetuneSteps > 0 ? 'teacher-finetune' : 'teacher');
  const speechTeacher = sources.speech.train ? trainedTeacher : sources.speech.dir;
  return {
    teacherBundle: sources.speech.train ? path.join(trainedTeacher, 'final') : sources.speech.dir,
    textTeacher: sources.text.train ? path.join(run, 'text-tower') : sources.text.dir,
    run,
    corpus: usesLibriSpeech(cfg) ? path.resolve(cfg.dataDir, 'librispeech') : path.resolve(cfg.dataDir, corpusName),
    textTower: path.join(run, 'text-tower'),
    teacher: path.join(run, 'teacher'),
    teacherFinetune: path.join(run, 'teacher-finetune'),
    speechTeacher,
    teacherCorpus: path.resolve(cfg.dataDir, `${corpusName}-teacher${cfg.teacherExtraSpeakers}`),
    teacherTrain: path.join(run, 'teacher-train.jsonl'),
    studentTransfer: path.join(run, 'student-transfer.jsonl'),
    cache: path.join(run, 'teacher-cache'),
    studentCtc: path.join(run, 'student-ctc'),
    studentKd: path.join(run, 'student-kd'),
    eval: path.join(run, 'eval'),
  };
}

async function trainSpeechModel(cfg: TrainConfig, log: Log, objectiveSpec?: ObjectiveSpec) {
  const trainer = await Trainer.create(cfg, { resume: true, objectiveSpec, log });
  try {
    const summary = await trainer.run();
    const pairs = (trainer.objective as Partial<DistillObjective>).pairs?.map((p) => `s${p.student}->t${p.teacher}`);
    return {
      params: trainer.model.numParams(), step: summary.step, lastLoss: summary.lastLoss, devWer: summary.dev?.wer ?? null, badSteps: summary.badSteps,
      workers: summary.workers, ...(pairs ? { pairs } : {}),
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * The settings (`key: before -> now`) in which `cfg` differs from the config a run directory was made
 * with; `jobs` and `cores` do not count (they change the schedule, not the results), and a setting added
 * after the run was made counts as its default.
 */
export function changedSettings(before: Record<string, unknown>, cfg: PipelineConfig): string[] {
  const was = { ...DEFAULT_PIPELINE, ...LEGACY_DEFAULTS, ...before } as Record<string, unknown>;
  const now = cfg as unknown as Record<string, unknown>;
  return Object.keys(cfg)
    .filter((k) => k !== 'jobs' && k !== 'cores' && JSON.stringify(was[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k}: ${JSON.stringify(was[k])} -> ${JSON.stringify(now[k])}`);
}

/** Settings whose default changed after runs were made without them: what such a run did (both teachers were trained). */
const LEGACY_DEFAULTS: Partial<PipelineConfig> = { speechTeacher: 'train', textTeacher: 'train' };

/** The extra utterances whose transcript no held-out (dev/test) utterance reads: no evaluated sentence reaches the teacher, in any voice. */
export function withoutHeldOut<T extends { text: string }>(extra: readonly T[], heldOut: readonly { text: string }[]): T[] {
  const texts = new Set(heldOut.map((e) => e.text));
  return extra.filter((e) => !texts.has(e.text));
}

/** Options of `runPipeline`. */
export interface RunPipelineOptions {
  /** Logger (stderr by default). */
  log?: Log;
  /** Command line recorded in the report. */
  command?: string;
  /** Run just this stage (its prerequisites must have finished); used by the parallel scheduler's worker processes. */
  only?: string;
  /** Data-parallel workers of this process's trainings (default: all of the job's cores / `jobs`). */
  stageWorkers?: number;
  /** With `only`: record the settings in the run folder as a whole run does (`speechkd release` trains stage by stage). */
  recordConfig?: boolean;
}

interface StageDef {
  name: string;
  deps: string[];
  run: () => Promise<unknown>;
}

type CorpusResult = CorpusRecord;
type TeacherDataResult = { train: string; root: string; speakers: number; utterances: number; heldOut: number; seconds: number; failures: number };
/** `decoder` is absent in records written before `transferLm` existed (greedy); `lmOrder` is the labelling LM's. */
type TransferResult = { train: string; utterances: number; dropped: number; seconds: number; labelWer: number | null; labelCer: number | null; decoder?: 'greedy' | 'lm'; lmOrder?: number };
type TrainResult = Awaited<ReturnType<typeof trainSpeechModel>> & { pairs?: string[] };

/**
 * The main job: synthesize the corpus, train the text tower and the speech teacher, cache their outputs,
 * train the students (CTC-only, distilled, ablations), evaluate them all, write the reports. Every stage
 * records its result under `<run>/stages/` and is reused on a rerun. With `jobs` > 1 the training stages
 * run in worker processes of the CLI, `jobs` at a time, as soon as their prerequisites are done.
 */
export async function runPipeline(cfg: PipelineConfig, opts: RunPipelineOptions = {}): Promise<PipelineResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const started = performance.now();
  const paths = runPaths(cfg);
  fs.mkdirSync(paths.run, { recursive: true });
  // Finished stages are reused, so a run directory must never mix settings; a recorded config that does not
  // pass today's checks (written before they existed) came from a run that could not have finished: replaced.
  const cfgFile = path.join(paths.run, 'pipeline-config.json');
  if (fs.existsSync(cfgFile)) {
    const before = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
    const invalid = checkPipelineConfig({ ...DEFAULT_PIPELINE, ...before } as PipelineConfig);
    const changed = changedSettings(before, cfg);
    if (invalid.length > 0 && changed.length > 0) {
      log(`[speechkd] ${cfgFile} recorded settings that fail the checks (${invalid.join('; ')}); replacing them`);
      writeJsonAtomic(cfgFile, cfg);
    } else if (changed.length > 0) {
      throw new PipelineConfigError(`${paths.run} was made with other settings (${changed.join(', ')}); pick another --name or delete that folder`);
    }
  }
  if (!opts.only || (opts.recordConfig && !fs.existsSync(cfgFile))) writeJsonAtomic(cfgFile, cfg);
  await initBackend({ backend: cfg.backend === 'auto' ? undefined : (cfg.backend as BackendName), log });

  const need = <T>(name: string): T => {
    const r = readStage<T>(paths.run, name);
    if (!r) throw new PipelineConfigError(`stage ${name} of ${paths.run} has not finished; run the whole job first`);
    return r.result;
  };
  const variants = studentVariants(cfg);
  const workers = opts.stageWorkers ?? coreBudget(cfg).workersPerTraining;
  const studentDir = (key: string) => path.join(paths.run, key);
  const teacherStage = cfg.teacherFinetuneSteps > 0 ? 'teacher-finetune' : 'teacher';
  const sources = teacherSources(cfg);
  const speechTrained = sources.speech.train;
  const textTrained = sources.text.train;
  const onnxSpeech = !sources.speech.train && sources.speech.onnx ? sources.speech.onnx : null;
  const onnxText = !sources.text.train && sources.text.onnx ? sources.text.onnx : null;
  // ONNX teachers (hub ids, export folders) are known once downloaded and loaded: the `teachers` stage records them.
  const onnxTeachers = (): OnnxTeachersRecord => need<OnnxTeachersRecord>('teachers');
  const teacherLayers = (): number[] =>
    parseSpeechLayers(cfg.speechLayers, speechTrained ? resolveModelConfig(cfg.teacherModel).numLayers : onnxSpeech ? onnxTeachers().speech!.numLayers : readModelManifest(paths.teacherBundle).modelConfig.numLayers);
  const textLayers = (): number[] => [onnxText ? onnxTeachers().text!.numLayers : readTowerLayers(paths.textTeacher)];
  /** The `--*-teacher` value that loads each teacher (an ONNX one as given, an in-project one by its folder). */
  const speechValue = (): string => onnxSpeech ?? paths.teacherBundle;
  const textValue = (): string => onnxText ?? paths.textTeacher;
  const storage = parseCacheStorage(cfg.cacheStorage);
  const onTheFly = cfg.teacherTargets === 'on-the-fly';
  const librispeech = usesLibriSpeech(cfg);
  /** The first stage: the synthetic corpus, or the LibriSpeech subsets downloaded (or found). */
  const corpusStage = librispeech ? 'librispeech' : 'synth';

  const synthStage = (): Promise<CorpusResult> =>
    runStage(paths.run, corpusStage, log, async () => {
      if (librispeech) return librispeechCorpus(cfg, log);
      const progress = progressLine(log, 'synth', 'utterances');
      const r = await synthesizeCorpus({
        preset: corpusPreset(cfg), out: paths.corpus, seed: cfg.seed,
        onProgress: (p) => progress(p.done, p.total, `${p.audioSeconds.toFixed(0)} s of audio, ${p.failed} failed`),
      });
      return { root: r.root, train: r.manifests.train, dev: r.manifests.dev, test: r.manifests.test, utterances: r.utterances, seconds: r.seconds, failures: r.failures.length };
    });

  const extra = teacherExtraCorpus(cfg);
  const teacherDataStage = (): Promise<TeacherDataResult> =>
    runStage(paths.run, 'synth-teacher', log, async () => {
      if (!extra) throw new PipelineConfigError('synth-teacher: --teacherExtraSpeakers is 0');
      const corpus = need<CorpusResult>(corpusStage);
      const progress = progressLine(log, 'synth-teacher', 'utterances');
      const r = await synthesizeCorpus({
        preset: extra.preset, out: paths.teacherCorpus, seed: extra.seed,
        onProgress: (p) => progress(p.done, p.total, `${p.audioSeconds.toFixed(0)} s of audio, ${p.failed} failed`),
      });
      const added = readManifest(r.manifests.train);
      const kept = withoutHeldOut(added, [...readManifest(corpus.dev), ...readManifest(corpus.test)]);
      writeManifest(paths.teacherTrain, [...readManifest(corpus.train), ...kept]);
      log(`[synth-teacher] ${kept.length} extra utterances (${added.length - kept.length} left out: dev/test transcripts) -> ${paths.teacherTrain}`);
      return {
        train: paths.teacherTrain, root: r.root, speakers: cfg.teacherExtraSpeakers, utterances: kept.length, heldOut: added.length - kept.length,
        seconds: kept.reduce((a, e) => a + e.duration, 0), failures: r.failures.length,
      };
    });

  const transfer = cfg.studentTransfer === 'true';
  /**
   * Labels the extra speakers' utterances with the teacher's transcripts, greedy or with the LM (`transferLm`);
   * utterances it transcribes as nothing are dropped.
   */
  const transferStage = async (): Promise<TransferResult> => {
    const corpus = need<CorpusResult>(corpusStage);
    const corpusTrain = readManifest(corpus.train);
    const own = new Set(corpusTrain.map((e) => e.id));
    const teacherTrain = need<TeacherDataResult>('synth-teacher').train;
    const extraEntries = readManifest(teacherTrain).filter((e) => !own.has(e.id));
    const withLm = cfg.transferLm === 'true';
    const decoder = withLm ? { decoder: 'beam' as const, beamSize: cfg.beamSize, lm: trainBrownLm(cfg.lmOrder, [corpus.dev, corpus.test, teacherTrain], corpus.dev, log), lmWeight: cfg.lmWeight, lmBonus: cfg.lmBonus } : {};
    const recognizer = await openBundle(paths.teacherBundle, cfg.engine as 'onnx' | 'tfjs', decoder);
    const progress = progressLine(log, 'transfer-labels', 'utterances');
    const r = await labelWithTeacher(extraEntries, recognizer, { loadAudio: loadAudioAt, onProgress: (done, total) => progress(done, total, '') })
      .finally(() => recognizer.dispose?.());
    writeManifest(paths.studentTransfer, [...corpusTrain, ...r.labelled]);
    log(`[transfer-labels] ${r.labelled.length} teacher-labelled utterances (${r.dropped} transcribed as nothing, dropped; label WER ${fmtPct(r.labelWer)} / CER ${fmtPct(r.labelCer)} against the true transcripts, which the students never see) -> ${paths.studentTransfer}`);
    return {
      train: paths.studentTransfer, utterances: r.labelled.length, dropped: r.dropped,
      seconds: r.labelled.reduce((a, e) => a + e.duration, 0), labelWer: r.labelWer, labelCer: r.labelCer, decoder: withLm ? 'lm' : 'greedy', ...(withLm ? { lmOrder: cfg.lmOrder } : {}),
    };
  };
  const studentData = (distilled: boolean) => {
    const corpus = need<CorpusResult>(corpusStage);
    return distilled && transfer ? { train: need<TransferResult>('transfer-labels').train, dev: corpus.dev } : corpus;
  };

  const trainedTeacherStages: StageDef[] = [
    {
      name: 'teacher', deps: [corpusStage],
      run: () => trainSpeechModel(trainConfig(cfg, need<CorpusResult>(corpusStage), cfg.teacherModel, cfg.teacherSteps, paths.teacher, [{ flag: 'teacherTrainer', pairs: cfg.teacherTrainer }], workers), log),
    },
    ...(cfg.teacherFinetuneSteps > 0
      ? [{
          name: 'teacher-finetune', deps: ['teacher', ...(extra ? ['synth-teacher'] : [])],
          run: () => {
            const corpus = need<CorpusResult>(corpusStage);
            const data = extra ? { train: need<TeacherDataResult>('synth-teacher').train, dev: corpus.dev } : corpus;
            // The teacher stage ends with a checkpoint of its last step; an interrupted phase 2 resumes its own.
            const initFrom = listCheckpoints(path.join(paths.teacher, 'checkpoints')).at(-1);
            if (!initFrom) throw new PipelineConfigError(`${paths.teacher}/checkpoints: no checkpoint to continue the teacher from; rerun its stage`);
            const tc = trainConfig(
              cfg, data, cfg.teacherModel, cfg.teacherSteps + cfg.teacherFinetuneSteps, paths.teacherFinetune,
              [{ flag: 'teacherTrainer', pairs: cfg.teacherTrainer }, { flag: 'teacherFinetuneTrainer', pairs: cfg.teacherFinetuneTrainer }], workers,
            );
            return trainSpeechModel({ ...tc, initFrom }, log);
          },
        }]
      : []),
  ];
  /** What the teachers' outputs need: the corpus, the teachers (trained, or fetched when ONNX), the transfer labels. */
  const teacherDeps = [
    corpusStage, ...(speechTrained ? [teacherStage] : []), ...(textTrained ? ['text-tower'] : []), ...(onnxSpeech || onnxText ? ['teachers'] : []), ...(transfer ? ['transfer-labels'] : []),
  ];
  const stages: StageDef[] = [
    ...(speechTrained ? trainedTeacherStages : []),
    ...(textTrained ? [{
      name: 'text-tower', deps: [corpusStage],
      run: async () => {
        const corpus = need<CorpusResult>(corpusStage);
        const all = loadBrownSentences({ exclude: readExcludeSet([corpus.dev, corpus.test]) });
        // An evenly spaced subset keeps every genre of the corpus when the run is time-boxed.
        const stride = cfg.textSentences > 0 ? Math.max(1, Math.floor(all.sentences.length / cfg.textSentences)) : 1;
        const sentences = all.sentences.filter((_, i) => i % stride === 0).slice(0, cfg.textSentences || undefined);
        log(`[text-tower] ${sentences.length} Brown sentences (${all.excluded} excluded: ${librispeech ? 'LibriSpeech' : 'synthetic'} dev/test transcripts)`);
        const arch = TOWER_PRESETS[cfg.textTower];
        if (!arch) throw new PipelineConfigError(`--textTower=${cfg.textTower}: use one of ${Object.keys(TOWER_PRESETS).join(', ')}`);
        const progress = progressLine(log, 'text-tower', 'steps');
        const r = await trainTextTower({
          out: paths.textTower, sentences, steps: cfg.textSteps, seed: cfg.seed, arch, log, workers,
          onStep: (info) => progress(info.step, info.steps, `MLM loss ${info.loss.toFixed(3)}`),
        });
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
        return { step: r.step, sentences: sentences.length, firstLoss: mean(r.losses.slice(0, 10)), lastLoss: mean(r.losses.slice(-10)), validationLoss: r.validationLoss };
      },
    }] : []),
    ...(transfer ? [{ name: 'transfer-labels', deps: [...(speechTrained ? [teacherStage] : []), 'synth-teacher'], run: transferStage }] : []),
    ...(onnxSpeech || onnxText ? [{ name: 'teachers', deps: [], run: () => fetchOnnxTeachers(onnxSpeech, onnxText, cfg.teacherModelDtype, log) }] : []),
    ...(onTheFly ? [] : [{
      name: 'teacher-cache', deps: teacherDeps,
      run: async () => {
        const threads = coreBudget(cfg).cores;
        const modelDtype = parseModelDtype(cfg.teacherModelDtype, 'teacherModelDtype');
        // A trained teacher's final/ bundle (the one the report evaluates), never best/: a young run's best can be an early checkpoint.
        // Through the exported graph in onnxruntime (all of the job's cores) unless --engine=tfjs: several times faster.
        const speech: SpeechTeacher = onnxSpeech
          ? await loadSpeechTeacherFlag(onnxSpeech, { threads, modelDtype })
          : await loadInProjectSpeechTeacher(paths.teacherBundle, { engine: cfg.engine as 'onnx' | 'tfjs', threads });
        let text: CacheTextTeacher;
        try {
          text = onnxText ? await loadTextTeacherFlag(onnxText, { threads, modelDtype }) : await loadInProjectTextTeacher(paths.textTeacher);
        } catch (err) {
          await speech.dispose();
          throw err;
        }
        try {
          const entries = readManifest(studentData(true).train);
          const progress = progressLine(log, 'cache', 'utterances');
          const r = await buildTeacherCache({
            entries, outDir: paths.cache, loadAudio: loadAudioAt, speech, speechLayers: teacherLayers(), speechLogits: true, text,
            textLayers: [text.numLayers], storage,
            onProgress: (p) => progress(p.done, p.total, `${(p.audioSeconds / Math.max(p.elapsedSeconds, 1e-9)).toFixed(1)}x realtime`),
          });
          log(`[cache] ${r.total} utterances, ${(r.bytesWritten / 2 ** 20).toFixed(1)} MiB written, ${(r.bytesWritten / 2 ** 20 / Math.max(r.audioSeconds / 3600, 1e-9)).toFixed(0)} MiB per hour of audio (${cfg.cacheStorage}) -> ${paths.cache}`);
          return { utterances: r.total, bytes: r.bytesWritten, audioSeconds: r.audioSeconds, fingerprint: r.header.fingerprint };
        } finally {
          await speech.dispose();
          await text.dispose();
        }
      },
    }]),
    ...variants.map((v): StageDef => ({
      name: v.key, deps: v.distill === null ? [corpusStage] : onTheFly ? teacherDeps : ['teacher-cache'],
      run: async () => {
        const tc = trainConfig(cfg, studentData(v.distill !== null), cfg.studentModel, cfg.studentSteps, studentDir(v.key), [{ flag: 'studentTrainer', pairs: cfg.studentTrainer }], workers);
        if (v.distill === null) return trainSpeechModel(tc, log);
        const model = resolveModelConfig(cfg.studentModel);
        const dcfg = resolveDistillConfig({ seed: cfg.seed, ...parsePairs(cfg.distill, 'distill'), ...parsePairs(v.distill, 'distill') });
        // A spec, not an object: every data-parallel worker thread opens the cache (or loads its own teachers,
        // one onnxruntime thread each, on the fly) and builds the same objective.
        const student = { numLayers: model.numLayers, dim: model.dim };
        const options: OpenDistillObjectiveOptions = onTheFly
          ? {
              live: {
                speechTeacher: speechValue(), textTeacher: textValue(), manifests: [studentData(true).train], speechLayers: teacherLayers(), speechLogits: true,
                textLayers: textLayers(), threads: 1, modelDtype: cfg.teacherModelDtype,
              },
              student, config: dcfg,
            }
          : { cacheDir: paths.cache, student, config: dcfg };
        return trainSpeechModel(tc, log, { module: '@speechkd/distill', factory: 'openDistillObjective', options });
      },
    })),
  ];

  if (opts.only === corpusStage || opts.only === 'synth-teacher') {
    await (opts.only === corpusStage ? synthStage() : teacherDataStage());
    return { paths, systems: [], reports: { markdown: '', html: '', summary: '' }, comparison: null, stageSeconds: {}, wallSeconds: (performance.now() - started) / 1000 };
  }
  if (opts.only) {
    const st = stages.find((s) => s.name === opts.only);
    if (!st) throw new PipelineConfigError(`--only=${opts.only}: unknown stage; use one of ${stages.map((s) => s.name).join(', ')}`);
    for (const d of st.deps) need(d);
    await runStage(paths.run, st.name, log, st.run);
    return { paths, systems: [], reports: { markdown: '', html: '', summary: '' }, comparison: null, stageSeconds: {}, wallSeconds: (performance.now() - started) / 1000 };
  }

  const corpus = await synthStage();
  const teacherData = extra ? await teacherDataStage() : null;
  if (cfg.jobs > 1) await runInWorkers(cfg, stages, paths.run, log, corpusStage);
  else for (const st of stages) await runStage(paths.run, st.name, log, st.run);

  // An ONNX speech teacher is no recognizer bundle of this project: the report evaluates the students only.
  const teacher = onnxSpeech ? null : teacherFacts(cfg, paths, speechTrained ? need<TrainResult>(teacherStage) : null);
  const trained = variants.map((v) => ({ v, r: need<TrainResult>(v.key) }));
  const systems = await runStage(paths.run, 'evaluate', log, () =>
    evaluateSystems(
      [
        ...(teacher ? [{ key: 'teacher', label: teacher.label, bundle: paths.teacherBundle, params: teacher.params, steps: teacher.steps }] : []),
        ...trained.map(({ v, r }) => ({ key: v.key, label: v.label, bundle: path.join(studentDir(v.key), 'final'), params: r.params, steps: r.step })),
      ],
      {
        synthRoot: corpus.root, sets: librispeech ? librispeechEvalSets(cfg, corpus.root) : undefined,
        realSubsets: cfg.realSubsets.split(',').map((s) => s.trim()).filter(Boolean), outDir: paths.eval, limit: cfg.evalLimit,
        engine: cfg.engine as 'onnx' | 'tfjs', lm: cfg.lmOrder > 0 ? { model: trainBrownLm(cfg.lmOrder, [corpus.dev, corpus.test], corpus.dev, log), weight: cfg.lmWeight, bonus: cfg.lmBonus, beamSize: cfg.beamSize } : null, log,
      },
    ),
  );

  const kdPairs = need<TrainResult>('student-kd').pairs ?? [];
  const devCurves = variants.map((v) => readDevCurve(studentDir(v.key), v.key, v.label));
  const transferData = transfer ? need<TransferResult>('transfer-labels') : null;
  const stageSeconds = Object.fromEntries([corpusStage, 'synth-teacher', ...stages.map((st) => st.name), 'evaluate'].flatMap((n) => {
    const r = readStage(paths.run, n);
    return r ? [[n, r.seconds]] : [];
  }));
  const wallSeconds = (performance.now() - started) / 1000;
  const teacherNote = describeTeachers(cfg, paths, teacher, sources, onnxSpeech || onnxText ? onnxTeachers() : null);
  const sets = comparisonSets(cfg);
  const reports = writeReports(paths.run, cfg, systems, { kdPairs, corpus, teacherData, transferData, command: opts.command ?? 'npm start', devCurves, teacherNote, stageSeconds, wallSeconds, sets });
  return { paths, systems, reports, comparison: compareStudents(systems, { wallSeconds, stageSeconds }, sets), stageSeconds, wallSeconds };
}

/** The sets the distilled and CTC-only students are compared on: the synthetic test/dev sets, or a LibriSpeech run's first test subset and its dev subset. */
export function comparisonSets(cfg: PipelineConfig): { test: string; dev: string; real: boolean } {
  if (!usesLibriSpeech(cfg)) return { test: 'synthetic test', dev: 'synthetic dev', real: false };
  const { dev, test } = librispeechSubsets(cfg);
  return { test: `LibriSpeech ${test[0]}`, dev: `LibriSpeech ${dev}`, real: true };
}

/** The text tower's number of layers (its checkpoint's config), the layer the cache and on-the-fly targets store. */
function readTowerLayers(dir: string): number {
  return (JSON.parse(fs.readFileSync(path.join(resolveCheckpointDir(dir), 'config.json'), 'utf8')) as { model: { layers: number } }).model.layers;
}

/** One sentence on where the run's teachers came from. */
function describeTeachers(
  cfg: PipelineConfig, paths: RunPaths, teacher: { label: string; params: number; steps: number } | null, sources: ReturnType<typeof teacherSources>, onnx: OnnxTeachersRecord | null,
): string {
  const targets = cfg.teacherTargets === 'on-the-fly' ? ' Teacher targets computed on the fly in every training step (nothing cached).' : ` Teacher outputs cached with ${cfg.cacheStorage}.`;
  if (onnx?.speech || !teacher) {
    const text = onnx?.text ? `Text teacher: ${onnx.text.name} (${onnx.text.numLayers} layers, dim ${onnx.text.dim}).` : sources.text.train ? 'Text tower trained by this run.' : `Text tower: the folder ${paths.textTeacher}.`;
    const speech = onnx?.speech ? `Speech teacher: ${onnx.speech.name} (${onnx.speech.numLayers} layers, dim ${onnx.speech.dim}, ${onnx.speech.frameRate} frames/s; not evaluated here: no recognizer bundle of this project).` : '';
    return `${speech} ${text}${targets}`;
  }
  const speech = sources.speech.train
    ? `Speech teacher trained by this run: ${cfg.teacherModel}, ${teacher.steps} steps.`
    : sources.speech.release
      ? `Speech teacher: the released ${sources.speech.release.name} (${(teacher.params / 1e6).toFixed(2)} M parameters, ${teacher.steps} steps on the synthetic ${String(sources.speech.release.data.corpus)} corpus, seed ${String(sources.speech.release.data.seed)}, whose dev/test speakers it never heard; model card ${path.join(paths.teacherBundle, 'README.md')}).`
      : `Speech teacher: the model folder ${paths.teacherBundle}.`;
  const text = onnx?.text ? `Text teacher: ${onnx.text.name} (${onnx.text.numLayers} layers, dim ${onnx.text.dim}).` : sources.text.train ? 'Text tower trained by this run.' : `Text tower: ${sources.text.release ? `the released ${sources.text.release.name}` : `the folder ${paths.textTeacher}`}.`;
  return `${speech} ${text}${cfg.teacherTargets === 'on-the-fly' ? targets : ''}`;
}

/** Label, parameters and training steps of the run's speech teacher (trained here, released or exported). */
export function teacherFacts(cfg: PipelineConfig, paths: RunPaths, trained: { params: number; step: number } | null): { label: string; params: number; steps: number } {
  if (trained) return { label: `speech teacher (${cfg.teacherModel}, CTC${cfg.teacherFinetuneSteps > 0 ? ', two phases' : ''})`, params: trained.params, steps: trained.step };
  const manifest = readModelManifest(paths.teacherBundle);
  const params = manifest.weightsManifest.flatMap((g) => g.weights).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  const release = readRelease(paths.teacherBundle);
  const steps = release?.training.steps ?? Number(manifest.info?.step ?? 0);
  return { label: `speech teacher (${manifest.modelConfig.name}, ${release ? `released ${release.name}` : path.basename(paths.teacherBundle)})`, params, steps };
}

/** The compiled CLI (worker processes run `cli.js run ... --only=<stage>`), from src/ or dist/. */
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

/**
 * Runs the stages in worker processes, at most `cfg.jobs` at once, each as soon as its prerequisites have
 * finished (stages finished earlier are skipped). A failed stage lets the running ones finish, then throws.
 */
async function runInWorkers(cfg: PipelineConfig, stages: readonly StageDef[], runDir: string, log: Log, corpusStage: string): Promise<void> {
  const done = new Set([corpusStage, 'synth-teacher', ...stages.filter((s) => readStage(runDir, s.name)).map((s) => s.name)]);
  for (const s of stages) if (done.has(s.name)) log(`[speechkd] stage ${s.name}: reusing result from ${readStage(runDir, s.name)!.finishedAt}`);
  const pending = stages.filter((s) => !done.has(s.name));
  const running = new Map<string, Promise<void>>();
  const failures: string[] = [];
  const args = ['run', ...Object.entries(cfg).map(([k, v]) => `--${k}=${String(v)}`), `--stageWorkers=${coreBudget(cfg).workersPerTraining}`];
  const start = (st: StageDef): Promise<void> =>
    new Promise((resolve) => {
      log(`[speechkd] stage ${st.name}: worker process started`);
      // The IPC channel closes when this process dies (even of kill -9): the worker then exits (exitWithParent).
      const child = spawn(process.execPath, [CLI, ...args, `--only=${st.name}`], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let buf = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.trim()) log(`(${st.name}) ${l}`);
      });
      child.on('close', (code) => {
        if (buf.trim()) log(`(${st.name}) ${buf}`);
        if (code === 0 && readStage(runDir, st.name)) done.add(st.name);
        else failures.push(`${st.name} (exit code ${code})`);
        resolve();
      });
    });
  while (pending.length > 0 || running.size > 0) {
    while (failures.length === 0 && running.size < cfg.jobs) {
      const i = pending.findIndex((s) => s.deps.every((d) => done.has(d)));
      if (i < 0) break;
      const [st] = pending.splice(i, 1);
      running.set(st.name, start(st).then(() => void running.delete(st.name)));
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failures.length > 0) throw new StageFailedError(`stage(s) failed: ${failures.join(', ')}; their output is above; rerun the same command to resume`);
  if (pending.length > 0) throw new StageFailedError(`stages ${pending.map((s) => s.name).join(', ')} could not start (prerequisites missing)`);
}
