import fs from 'node:fs';
import path from 'node:path';
import { initBackend } from '@speechkd/tensor-backend';
import type { BackendName } from '@speechkd/tensor-backend';
import { synthesizeCorpus } from '@speechkd/synth';
import { readManifest } from '@speechkd/librispeech';
import { TOWER_PRESETS, loadBrownSentences, readExcludeSet, trainTextTower } from '@speechkd/text-encoders';
import { Trainer, resolveModelConfig, resolveTrainConfig } from '@speechkd/student-trainer';
import type { TrainConfig } from '@speechkd/student-trainer';
import { buildTeacherCache, loadAudioAt, loadInProjectSpeechTeacher, loadInProjectTextTeacher, openTeacherCache } from '@speechkd/teachers';
import { createDistillObjective, resolveDistillConfig } from '@speechkd/distill';
import type { PipelineConfig } from './pipeline-config.js';
import { MICRO_CORPUS, PipelineConfigError } from './pipeline-config.js';
import { runStage, writeJsonAtomic } from './stage.js';
import { progressLine } from './progress.js';
import type { Log } from './stage.js';
import { evaluateSystems } from './evaluate-systems.js';
import type { SystemResult } from './evaluate-systems.js';
import { writeReports } from './report.js';

/** Where each artifact of a run lives. */
export interface RunPaths {
  run: string;
  corpus: string;
  textTower: string;
  teacher: string;
  cache: string;
  studentCtc: string;
  studentKd: string;
  eval: string;
}

/** What the main job produced. */
export interface PipelineResult {
  paths: RunPaths;
  systems: SystemResult[];
  /** Paths of report.md, report.html and summary.json. */
  reports: { markdown: string; html: string; summary: string };
}

/** Paths of a run from its config. */
export function runPaths(cfg: PipelineConfig): RunPaths {
  const run = path.resolve(cfg.runsDir, cfg.name);
  const corpusName = `synth-${cfg.corpus}-seed${cfg.seed}`;
  return {
    run,
    corpus: path.resolve(cfg.dataDir, corpusName),
    textTower: path.join(run, 'text-tower'),
    teacher: path.join(run, 'teacher'),
    cache: path.join(run, 'teacher-cache'),
    studentCtc: path.join(run, 'student-ctc'),
    studentKd: path.join(run, 'student-kd'),
    eval: path.join(run, 'eval'),
  };
}

/** Cached teacher layers from the spec: a comma list, or `uniformK` (K evenly spaced block outputs). */
export function parseSpeechLayers(spec: string, numLayers: number): number[] {
  const uni = /^uniform(\d+)$/.exec(spec);
  if (uni) {
    const k = Math.min(Number(uni[1]), numLayers);
    return [...new Set(Array.from({ length: k }, (_, j) => Math.round(((j + 1) * numLayers) / k)))];
  }
  const layers = spec.split(',').map((s) => Number(s.trim()));
  if (layers.some((l) => !Number.isInteger(l) || l < 0 || l > numLayers)) {
    throw new PipelineConfigError(`--speechLayers=${spec}: use uniformK or a comma list of layers in 0..${numLayers}`);
  }
  return layers;
}

function parsePairs(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new PipelineConfigError(`--distill: "${part}" is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function trainConfig(cfg: PipelineConfig, corpus: { train: string; dev: string }, model: string, steps: number, runDir: string): TrainConfig {
  return resolveTrainConfig(undefined, {
    model, steps, runDir, train: corpus.train, dev: corpus.dev, seed: cfg.seed, lr: cfg.lr, warmupSteps: cfg.warmupSteps, decay: cfg.decay,
    batchFrames: cfg.batchFrames, specAugment: cfg.specAugment, dropout: cfg.dropout, evalEvery: 0, checkpointEvery: Math.max(1, Math.ceil(steps / 4)), backend: cfg.backend,
    logEvery: steps <= 100 ? 1 : 10,
    // An EMA over ~10% of the run: 0.999 would keep most of the initial weights in a run of a few hundred steps.
    emaDecay: Math.max(0, Math.min(0.999, 1 - 10 / steps)),
  });
}

async function trainSpeechModel(cfg: TrainConfig, log: Log, objective?: Awaited<ReturnType<typeof createDistillObjective>>) {
  const trainer = await Trainer.create(cfg, { resume: true, objective, log });
  try {
    const summary = await trainer.run();
    return { params: trainer.model.numParams(), step: summary.step, lastLoss: summary.lastLoss, devWer: summary.dev?.wer ?? null, badSteps: summary.badSteps };
  } finally {
    trainer.dispose();
  }
}

/**
 * The main job: synthesize the corpus, train the text tower and the speech teacher, cache their outputs,
 * train the student CTC-only and with distillation, evaluate all three, write the reports. Every stage
 * records its result under `<run>/stages/` and is reused on a rerun.
 */
export async function runPipeline(
  cfg: PipelineConfig,
  log: Log = (l) => process.stderr.write(`${l}\n`),
  command = 'npm start',
): Promise<PipelineResult> {
  const paths = runPaths(cfg);
  fs.mkdirSync(paths.run, { recursive: true });
  // Finished stages are reused, so a run directory must never mix settings.
  const cfgFile = path.join(paths.run, 'pipeline-config.json');
  if (fs.existsSync(cfgFile)) {
    const before = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
    const changed = Object.keys(cfg).filter((k) => JSON.stringify(before[k]) !== JSON.stringify((cfg as unknown as Record<string, unknown>)[k]));
    if (changed.length > 0) {
      throw new PipelineConfigError(
        `${paths.run} was made with other settings (${changed.map((k) => `${k}: ${JSON.stringify(before[k])} -> ${JSON.stringify((cfg as unknown as Record<string, unknown>)[k])}`).join(', ')}); ` +
          'pick another --name or delete that folder',
      );
    }
  }
  writeJsonAtomic(cfgFile, cfg);
  await initBackend({ backend: cfg.backend === 'auto' ? undefined : (cfg.backend as BackendName), log });

  const corpus = await runStage(paths.run, 'synth', log, async () => {
    const progress = progressLine(log, 'synth', 'utterances');
    const r = await synthesizeCorpus({
      preset: cfg.corpus === 'micro' ? { ...MICRO_CORPUS } : cfg.corpus, out: paths.corpus, seed: cfg.seed,
      onProgress: (p) => progress(p.done, p.total, `${p.audioSeconds.toFixed(0)} s of audio, ${p.failed} failed`),
    });
    return { root: r.root, train: r.manifests.train, dev: r.manifests.dev, test: r.manifests.test, utterances: r.utterances, seconds: r.seconds, failures: r.failures.length };
  });

  await runStage(paths.run, 'text-tower', log, async () => {
    const exclude = readExcludeSet([corpus.dev, corpus.test]);
    const all = loadBrownSentences({ exclude });
    const excluded = all.excluded;
    // An evenly spaced subset keeps every genre of the corpus when the run is time-boxed.
    const stride = cfg.textSentences > 0 ? Math.max(1, Math.floor(all.sentences.length / cfg.textSentences)) : 1;
    const sentences = all.sentences.filter((_, i) => i % stride === 0).slice(0, cfg.textSentences || undefined);
    log(`[text-tower] ${sentences.length} Brown sentences (${excluded} excluded: synthetic dev/test transcripts)`);
    const arch = TOWER_PRESETS[cfg.textTower];
    if (!arch) throw new PipelineConfigError(`--textTower=${cfg.textTower}: use one of ${Object.keys(TOWER_PRESETS).join(', ')}`);
    const progress = progressLine(log, 'text-tower', 'steps');
    const r = await trainTextTower({
      out: paths.textTower, sentences, steps: cfg.textSteps, seed: cfg.seed, arch, log,
      onStep: (info) => progress(info.step, info.steps, `MLM loss ${info.loss.toFixed(3)}`),
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return { step: r.step, sentences: sentences.length, firstLoss: mean(r.losses.slice(0, 10)), lastLoss: mean(r.losses.slice(-10)), validationLoss: r.validationLoss };
  });

  const teacherCfg = trainConfig(cfg, corpus, cfg.teacherModel, cfg.teacherSteps, paths.teacher);
  const teacher = await runStage(paths.run, 'teacher', log, () => trainSpeechModel(teacherCfg, log));

  const teacherLayers = parseSpeechLayers(cfg.speechLayers, resolveModelConfig(cfg.teacherModel).numLayers);
  await runStage(paths.run, 'teacher-cache', log, async () => {
    const speech = await loadInProjectSpeechTeacher(paths.teacher);
    const text = await loadInProjectTextTeacher(paths.textTower);
    const entries = readManifest(corpus.train);
    const progress = progressLine(log, 'cache', 'utterances');
    const r = await buildTeacherCache({
      entries, outDir: paths.cache, loadAudio: loadAudioAt, speech, speechLayers: teacherLayers, speechLogits: true, text,
      textLayers: [text.numLayers],
      onProgress: (p) => progress(p.done, p.total, `${(p.audioSeconds / Math.max(p.elapsedSeconds, 1e-9)).toFixed(1)}x realtime`),
    });
    return { utterances: r.total, bytes: r.bytesWritten, audioSeconds: r.audioSeconds, fingerprint: r.header.fingerprint };
  });

  const studentCtcCfg = trainConfig(cfg, corpus, cfg.studentModel, cfg.studentSteps, paths.studentCtc);
  const studentCtc = await runStage(paths.run, 'student-ctc', log, () => trainSpeechModel(studentCtcCfg, log));

  const studentKdCfg = trainConfig(cfg, corpus, cfg.studentModel, cfg.studentSteps, paths.studentKd);
  const studentKd = await runStage(paths.run, 'student-kd', log, async () => {
    const cache = await openTeacherCache(paths.cache);
    const model = resolveModelConfig(cfg.studentModel);
    const objective = createDistillObjective(cache, cache.header, { numLayers: model.numLayers, dim: model.dim }, resolveDistillConfig({ seed: cfg.seed, ...parsePairs(cfg.distill) }));
    try {
      return { ...(await trainSpeechModel(studentKdCfg, log, objective)), pairs: objective.pairs.map((p) => `s${p.student}->t${p.teacher}`) };
    } finally {
      objective.dispose();
      await cache.close();
    }
  });

  const systems = await runStage(paths.run, 'evaluate', log, () =>
    evaluateSystems(
      [
        { key: 'teacher', label: `speech teacher (${cfg.teacherModel}, CTC)`, dir: paths.teacher, params: teacher.params, steps: teacher.step },
        { key: 'student-ctc', label: `student (${cfg.studentModel}, CTC only)`, dir: paths.studentCtc, params: studentCtc.params, steps: studentCtc.step },
        { key: 'student-kd', label: `student (${cfg.studentModel}, distilled)`, dir: paths.studentKd, params: studentKd.params, steps: studentKd.step },
      ],
      { synthRoot: corpus.root, realSubsets: cfg.realSubsets.split(',').map((s) => s.trim()).filter(Boolean), outDir: paths.eval, limit: cfg.evalLimit, log },
    ),
  );

  const reports = writeReports(paths.run, cfg, systems, { kdPairs: studentKd.pairs, corpus, command });
  return { paths, systems, reports };
}
