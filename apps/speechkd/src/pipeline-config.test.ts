import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE, PipelineConfigError, coreBudget, resolvePipelineConfig, teacherExtraCorpus } from './pipeline-config.js';
import { changedSettings, parseSpeechLayers, runPaths, studentVariants, trainConfig, withoutHeldOut } from './pipeline.js';
import { devCurveTable, formatTextTable, readDevCurve, relativeWerChange, resultTable } from './report.js';
import type { SystemResult } from './evaluate-systems.js';
import { isInProjectFolder, onnxTeacherValue, parseCacheStorage } from './librispeech-recipe.js';

describe('resolvePipelineConfig', () => {
  it('defaults <- preset <- flags', () => {
    expect(resolvePipelineConfig('default', {})).toEqual(DEFAULT_PIPELINE);
    const full = resolvePipelineConfig('full', { studentSteps: '50', distill: 'kdWeight=0.5' });
    expect(full.corpus).toBe('small');
    expect(full.teacherModel).toBe('teacher-s4');
    expect(full.ablations).toBe('true');
    expect(full.jobs).toBe(1); // one training at a time, on every core (data-parallel workers)
    expect(full.studentSteps).toBe(50);
    expect(full.distill).toBe('kdWeight=0.5');
  });

  it('checks every setting before anything runs, and says every problem in one message naming the flags', () => {
    const bad = { lr: '-1', decay: 'bogus', trainer: 'stepz=3', realSubsets: 'test-clean,test-dirty', dropout: '2', teacherModel: 'teacher-xl', distill: 'kdWeight=abc', warmupSteps: '-5', backend: 'tpu', speechTeacher: 'train' };
    let message = '';
    try {
      resolvePipelineConfig('default', bad);
    } catch (err) {
      expect(err).toBeInstanceOf(PipelineConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^\d+ problems with the settings \(nothing was run\):/);
    for (const re of [/--lr=-1: must be > 0/, /--decay=bogus: use one of inverse-sqrt/, /--warmupSteps=-5: must be an integer >= 0/, /--dropout=2: use -1/, /--backend=tpu: use one of auto, wasm/,
      /--realSubsets: "test-dirty" is not a subset of the bundled LibriSpeech sample/, /--trainer: unknown config key "stepz"/, /--teacherModel=teacher-xl: model preset "teacher-xl" is unknown/,
      /--distill=kdWeight=abc: /]) expect(message).toMatch(re);
    // A key=value list is checked against the config it sets, naming the flag; ranges of the resolved trainings too.
    expect(() => resolvePipelineConfig('default', { studentTrainer: 'decay=bogus' })).toThrow(/--studentTrainer: "decay" must be one of/);
    expect(() => resolvePipelineConfig('default', { speechTeacher: 'train', teacherTrainer: 'emaDecay=1.5' })).toThrow(/speech teacher: "emaDecay" must be a number >= 0 < 1, got 1.5 \(settings from .*--teacherTrainer\)/);
    expect(() => resolvePipelineConfig('default', { speechLayers: '1,9' })).toThrow(/--speechLayers=1,9: use uniformK or a comma list of layers in 0..4/ ); // the released teacher has 4 layers
  });

  it('hands each training cores / jobs data-parallel workers (at least 1, at most 8)', () => {
    const budget = (flags: Record<string, string>) => coreBudget(resolvePipelineConfig('default', flags));
    expect(budget({ cores: '2', jobs: '1' })).toEqual({ cores: 2, workersPerTraining: 2 });
    expect(budget({ cores: '2' })).toEqual({ cores: 2, workersPerTraining: 1 }); // the default trains two students at once
    expect(budget({ cores: '2', jobs: '2' })).toEqual({ cores: 2, workersPerTraining: 1 });
    expect(budget({ cores: '3', jobs: '2' })).toEqual({ cores: 3, workersPerTraining: 1 });
    expect(budget({ cores: '1', jobs: '4' })).toEqual({ cores: 1, workersPerTraining: 1 });
    expect(budget({ cores: '64', jobs: '1' })).toEqual({ cores: 64, workersPerTraining: 8 });
    expect(budget({}).cores).toBe(os.availableParallelism());
    expect(() => resolvePipelineConfig('default', { cores: '-1' })).toThrow(/--cores=-1: must be an integer >= 0/);
  });

  it('rejects unknown presets, unknown keys and bad numbers with the flag name', () => {
    expect(() => resolvePipelineConfig('huge', {})).toThrow(/--preset huge: unknown preset/);
    expect(() => resolvePipelineConfig('default', { studentStep: '5' })).toThrow(/--studentStep: unknown setting/);
    expect(() => resolvePipelineConfig('default', { studentSteps: 'many' })).toThrow(PipelineConfigError);
    expect(() => resolvePipelineConfig('default', { teacherSteps: '0' })).toThrow(/--teacherSteps=0: must be an integer >= 1/);
    expect(() => resolvePipelineConfig('default', { name: '../x' })).toThrow(/--name/);
    expect(() => resolvePipelineConfig('default', { ablations: 'yes' })).toThrow(/--ablations=yes: use true or false/);
    expect(() => resolvePipelineConfig('default', { jobs: '0' })).toThrow(/--jobs=0: must be an integer >= 1/);
    expect(() => resolvePipelineConfig('default', { engine: 'tflite' })).toThrow(/--engine=tflite: use onnx or tfjs/);
    expect(() => resolvePipelineConfig('default', { teacherFinetuneSteps: '-1' })).toThrow(/--teacherFinetuneSteps=-1: must be an integer >= 0/);
    expect(() => resolvePipelineConfig('default', { lmOrder: '1' })).toThrow(/--lmOrder=1: use 0 \(no LM\) or an order in \[2, 12\]/);
    expect(() => resolvePipelineConfig('default', { lmOrder: '2.5' })).toThrow(/--lmOrder=2.5: must be an integer >= 0/);
    expect(() => resolvePipelineConfig('default', { lmWeight: '-0.1' })).toThrow(/--lmWeight=-0.1: must be >= 0/);
    expect(() => resolvePipelineConfig('default', { beamSize: '0' })).toThrow(/--beamSize=0: must be an integer >= 1/);
    expect(resolvePipelineConfig('default', { lmOrder: '0' }).lmOrder).toBe(0);
  });

  it('full-kd3 is full with the session-9 students: studentTrainer reaches the students only', () => {
    const cfg = resolvePipelineConfig('full-kd3', {});
    const full = resolvePipelineConfig('full', {});
    expect({ ...cfg, name: 'full', studentTrainer: '', distill: '', ablations: 'true' }).toEqual(full);
    expect(cfg.distill).toBe('kdWeight=3');
    const data = { train: 't.jsonl', dev: 'd.jsonl' };
    const student = trainConfig(cfg, data, cfg.studentModel, cfg.studentSteps, '/tmp/s', [{ flag: 'studentTrainer', pairs: cfg.studentTrainer }]);
    const teacher = trainConfig(cfg, data, cfg.teacherModel, cfg.teacherSteps, '/tmp/t', [{ flag: 'teacherTrainer', pairs: cfg.teacherTrainer }]);
    expect(student.residualInitScale).toBe(0.1);
    expect(teacher.residualInitScale).not.toBe(0.1);
    expect(student.evalEvery).toBe(500); // `trainer` still applies to both
    expect(teacher.lr).toBe(0.0005);
    expect(student.lr).toBe(0.001);
    // Later layers win, and a bad pair names its setting.
    const two = trainConfig(cfg, data, cfg.teacherModel, 10, '/tmp/t', [{ flag: 'teacherTrainer', pairs: 'lr=0.1' }, { flag: 'teacherFinetuneTrainer', pairs: 'lr=0.2' }]);
    expect(two.lr).toBe(0.2);
    expect(() => trainConfig(cfg, data, cfg.studentModel, 10, '/tmp/s', [{ flag: 'studentTrainer', pairs: 'seed' }])).toThrow(/--studentTrainer: "seed" is not key=value/);
  });

  it('the full preset continues its teacher with SpecAugment and dropout; the students learn from that phase', () => {
    const full = resolvePipelineConfig('full', {});
    expect(full.teacherFinetuneSteps).toBe(5000);
    expect(full.teacherFinetuneTrainer).toMatch(/specAugment=true/);
    expect(runPaths(full).speechTeacher).toBe(runPaths(full).teacherFinetune);
    const one = resolvePipelineConfig('full', { teacherFinetuneSteps: '0', teacherExtraSpeakers: '0', studentTransfer: 'false' });
    expect(runPaths(one).speechTeacher).toBe(runPaths(one).teacher);
  });

  it('extra teacher speakers: train only, shaped like the corpus, seeded apart, ids after the corpus\'s', () => {
    expect(teacherExtraCorpus(resolvePipelineConfig('full', { teacherExtraSpeakers: '0', studentTransfer: 'false' }))).toBeNull();
    const cfg = resolvePipelineConfig('full', {});
    expect(cfg.teacherExtraSpeakers).toBe(180);
    const x = teacherExtraCorpus(cfg)!;
    expect(x.preset).toEqual({
      name: 'small-teacher-extra', speakers: { train: 180, dev: 0, test: 0 }, uttsPerSpeaker: { train: 18, dev: 0, test: 0 },
      chaptersPerSpeaker: 2, fliteShare: 0.2, firstSpeakerId: 1081,
    });
    expect(x.seed).not.toBe(cfg.seed);
    expect(teacherExtraCorpus({ ...cfg, seed: 2 })!.seed).not.toBe(x.seed);
    expect(runPaths(cfg).teacherCorpus).toMatch(/data\/synth-small-seed1-teacher180$/);
    expect(teacherExtraCorpus(resolvePipelineConfig('micro', { teacherExtraSpeakers: '3' }))!.preset.firstSpeakerId).toBe(1011);
    expect(() => resolvePipelineConfig('default', { speechTeacher: 'train', teacherExtraSpeakers: '5' })).toThrow(/--teacherExtraSpeakers=5: .*set --teacherFinetuneSteps too/);
    expect(() => resolvePipelineConfig('full', { teacherExtraSpeakers: '2.5' })).toThrow(/must be an integer >= 0/);
  });

  it('a transfer set for the distilled students needs the extra speakers', () => {
    expect(resolvePipelineConfig('default', {}).studentTransfer).toBe('false');
    expect(resolvePipelineConfig('full', {}).studentTransfer).toBe('true');
    expect(runPaths(resolvePipelineConfig('full', {})).studentTransfer).toMatch(/runs\/full\/student-transfer\.jsonl$/);
    expect(() => resolvePipelineConfig('full', { studentTransfer: 'true', teacherExtraSpeakers: '0' })).toThrow(/--studentTransfer=true: .*set --teacherExtraSpeakers too/);
    expect(() => resolvePipelineConfig('full', { studentTransfer: 'yes' })).toThrow(/--studentTransfer=yes: use true or false/);
  });

  it('the extra speakers never read a dev or test sentence', () => {
    const extra = [{ id: 'a', text: 'ONE TWO' }, { id: 'b', text: 'THREE' }, { id: 'c', text: 'ONE TWO THREE' }];
    expect(withoutHeldOut(extra, [{ text: 'THREE' }, { text: 'ONE' }]).map((e) => e.id)).toEqual(['a', 'c']);
    expect(withoutHeldOut(extra, [])).toEqual(extra);
  });
});

describe('changedSettings', () => {
  it('names what changed, ignores jobs, and reads settings added later as their defaults', () => {
    const cfg = resolvePipelineConfig('default', {});
    const before: Record<string, unknown> = { ...cfg, jobs: 4 };
    delete before.teacherFinetuneSteps;
    expect(changedSettings(before, cfg)).toEqual([]);
    expect(changedSettings({ ...before, studentSteps: 16 }, cfg)).toEqual(['studentSteps: 16 -> 1000']);
    expect(changedSettings(before, { ...cfg, teacherFinetuneSteps: 5 })).toEqual(['teacherFinetuneSteps: 0 -> 5']);
  });
});

describe('studentVariants', () => {
  it('CTC-only and distilled, plus the two ablations on request, each with its own distillation overrides', () => {
    expect(studentVariants(DEFAULT_PIPELINE).map((v) => [v.key, v.distill])).toEqual([['student-ctc', null], ['student-kd', '']]);
    const full = studentVariants(resolvePipelineConfig('full', {}));
    expect(full.map((v) => [v.key, v.distill])).toEqual([
      ['student-ctc', null], ['student-kd-soft', 'speechWeight=0,textWeight=0'], ['student-kd-speech', 'textWeight=0'], ['student-kd', ''],
    ]);
    expect(full[0].label).toBe('student (student-xs, CTC only)');
  });
});

describe('parseSpeechLayers', () => {
  it('uniformK spreads K layers over the teacher, lists are checked', () => {
    expect(parseSpeechLayers('uniform4', 8)).toEqual([2, 4, 6, 8]);
    expect(parseSpeechLayers('uniform4', 2)).toEqual([1, 2]);
    expect(parseSpeechLayers('3, 6', 6)).toEqual([3, 6]);
    expect(() => parseSpeechLayers('7', 6)).toThrow(/--speechLayers=7/);
  });
});

const system = (key: string, wer: number | null): SystemResult => ({
  key, label: key, params: 1e6, steps: 10, bundle: '', sizeBytes: 2 ** 20,
  results: [{ set: 'synthetic test', utterances: 2, referenceWords: 10, wer, cer: 0.5, errors: 1, substitutions: 1, deletions: 0, insertions: 0, rtf: 0.01, latencyMs: 5, report: '' }],
});

describe('report helpers', () => {
  it('relative WER change of the distilled student against the CTC-only one', () => {
    expect(relativeWerChange([system('student-ctc', 0.4), system('student-kd', 0.3)])).toBeCloseTo(-0.25);
    expect(relativeWerChange([system('student-ctc', 0), system('student-kd', 0.3)])).toBeNull();
    expect(relativeWerChange([system('student-kd', 0.3)])).toBeNull();
    // Another set or another distilled variant.
    expect(relativeWerChange([system('student-ctc', 0.4), system('student-kd', 0.3)], 'synthetic dev')).toBeNull();
    expect(relativeWerChange([system('student-ctc', 0.5), system('student-kd-soft', 0.4)], 'synthetic test', 'student-kd-soft')).toBeCloseTo(-0.2);
  });

  it('the table has a header, one row per system and aligned columns', () => {
    const table = resultTable([system('teacher', 0.1), system('student-kd', null)]);
    expect(table[0].slice(0, 4)).toEqual(['system', 'params (M)', 'size (MB)', 'steps']);
    expect(table[1]).toContain('10.00');
    expect(table[2]).toContain('n/a');
    const lines = formatTextTable(table).split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('dev learning curves: eval rows of metrics.jsonl, one table row per step, relative WER per step', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-curve-'));
    try {
      fs.writeFileSync(path.join(dir, 'metrics.jsonl'), [
        { type: 'train', step: 10, loss: 3 },
        { type: 'eval', step: 500, wer: 1, cer: 0.9, utterances: 40 },
        { type: 'eval', step: 1000, wer: 0.8, cer: 0.4, utterances: 40 },
      ].map((r) => JSON.stringify(r)).join('\n') + '\n{"type":"eval","step":15');
      const ctc = readDevCurve(dir, 'student-ctc', 'CTC only');
      expect(ctc.points).toEqual([{ step: 500, wer: 1, cer: 0.9, utterances: 40 }, { step: 1000, wer: 0.8, cer: 0.4, utterances: 40 }]);
      expect(readDevCurve(path.join(dir, 'missing'), 'x', 'x').points).toEqual([]);
      const kd = { key: 'student-kd', label: 'distilled', points: [{ step: 1000, wer: 0.6, cer: 0.3, utterances: 40 }] };
      expect(devCurveTable([ctc, kd])).toEqual([
        ['step', 'CTC only WER / CER %', 'distilled WER / CER %', 'distilled vs CTC-only WER'],
        ['500', '100.00 / 90.00', '', ''],
        ['1000', '80.00 / 40.00', '60.00 / 30.00', '-25.0%'],
      ]);
      expect(devCurveTable([ctc])![0]).toEqual(['step', 'CTC only WER / CER %']);
      expect(devCurveTable([{ ...kd, points: [] }])).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('librispeech-100 preset', () => {
  it('real LibriSpeech with hub teachers (nothing downloaded to check the settings), int8 cache projected to 384 dims', () => {
    const cfg = resolvePipelineConfig('librispeech-100', { speechTeacher: 'Xenova/hubert-base-ls960', textTeacher: 'hf:Xenova/bert-base-uncased' });
    expect(cfg).toMatchObject({ librispeechTrain: 'train-clean-100', librispeechDev: 'dev-clean', librispeechTest: 'test-clean,test-other', cacheStorage: 'dtype=int8,project=384', teacherTargets: 'cache' });
    expect(runPaths(cfg).corpus).toBe(path.resolve(cfg.dataDir, 'librispeech'));
    expect(parseCacheStorage(cfg.cacheStorage)).toEqual({ hidden: 'int8', logitsTopK: 0, pool: 1, projectDim: 384, projectSeed: 0 });
    expect(parseCacheStorage('dtype=int8,pool=2,topk=8')).toEqual({ hidden: 'int8', logitsTopK: 8, pool: 2, projectDim: 0, projectSeed: 0 });
    expect(parseCacheStorage('dtype=float16')).toEqual({ hidden: 'float16', logitsTopK: 0, pool: 1, projectDim: 0, projectSeed: 0 }); // the synthetic runs' cache, unchanged
  });

  it('tells ONNX exports from in-project folders, hub ids from paths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-teacher-kind-'));
    try {
      const mk = (name: string, files: string[]) => {
        for (const f of files) {
          fs.mkdirSync(path.dirname(path.join(dir, name, f)), { recursive: true });
          fs.writeFileSync(path.join(dir, name, f), '{}');
        }
        return path.join(dir, name);
      };
      const bundle = mk('bundle', ['model.json', 'weights.bin', 'onnx/model.onnx']); // a trained bundle with its own ONNX export
      const bert = mk('bert', ['config.json', 'tokenizer.json', 'onnx/model.onnx']); // a Hugging Face export
      const tower = mk('tower', ['LATEST', 'checkpoints/x/config.json']);
      const inProject = (markers: string[]) => (v: string) => isInProjectFolder(v, markers);
      expect(onnxTeacherValue(bundle, inProject(['model.json']))).toBeNull();
      expect(onnxTeacherValue(bert, inProject(['config.json', 'LATEST']))).toBe(`onnx:${bert}`);
      expect(onnxTeacherValue(tower, inProject(['config.json', 'LATEST']))).toBeNull();
      expect(onnxTeacherValue('Xenova/wav2vec2-base-960h', inProject(['model.json']))).toBe('Xenova/wav2vec2-base-960h');
      expect(onnxTeacherValue('train', inProject(['model.json']))).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad LibriSpeech, storage and teacher-target setting', () => {
    let message = '';
    try {
      resolvePipelineConfig('librispeech-100', {
        librispeechTrain: 'train-clean-100,test-clean', librispeechDev: 'dev-dirty', librispeechUrl: 'ftp://x', librispeechMd5: 'dev-clean=abc',
        cacheStorage: 'dtype=int4,pool=2', teacherTargets: 'sometimes', teacherModelDtype: 'fp8', lmOrder: '3', studentTransfer: 'true',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(PipelineConfigError);
      message = (err as Error).message;
    }
    for (const re of [
      /--librispeechDev: "dev-dirty" is not a LibriSpeech subset/, /--librispeechTrain: "test-clean" is also a dev\/test set/, /--librispeechUrl=ftp:\/\/x: give an http\(s\) URL/,
      /--librispeechMd5: "dev-clean=abc" is not subset=md5/, /--cacheStorage=dtype=int4,pool=2: --dtype "int4": use float16, float32 or int8/, /--teacherTargets=sometimes: use cache or on-the-fly/,
      /--teacherModelDtype=fp8: use one of fp32/, /--lmOrder=3: the character LM is trained on Brown sentences/, /--studentTransfer=true: labels the transfer set with an in-project speech teacher/,
    ]) expect(message).toMatch(re);
  });
});
