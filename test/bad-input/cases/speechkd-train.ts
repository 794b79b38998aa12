import os from 'node:os';
import type { BadInputCase, CaseContext } from '../harness.js';

/** A manifest file that exists (the cases are refused before it is read). */
const manifest = (c: CaseContext): string => c.file('train.jsonl', '{"id": "u1", "audio": "u1.wav", "duration": 1, "speaker": "1", "chapter": "1", "text": "A B"}\n');

/** A run folder with a checkpoint, made by `train --model=test-tiny --steps=5` with lr 0.002. */
function earlierRun(c: CaseContext): void {
  c.file('runs/a/config.json', JSON.stringify({ model: 'test-tiny', train: c.at('train.jsonl'), runDir: c.at('runs/a'), steps: 5, lr: 0.002, workers: 2 }));
  c.file('runs/a/checkpoints/step-00000003/state.json', '{}');
}

const train = (c: CaseContext, ...more: string[]): string[] => ['train', `--train=${c.at('train.jsonl')}`, '--model=test-tiny', '--steps=5', ...more];

/**
 * speechkd-train: train's settings and run folder checked before any work (nothing written), a run folder
 * made with other settings, one process per run folder; eval, transcribe, quantize and export check their
 * model folder, inputs and output before loading a model. Resume after kill -9 is speechkd-train-resume.test.ts.
 */
export const TRAIN_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-train', name: 'zero and negative numbers, an unknown model, a missing manifest: all in one message', exit: 2,
    args: (c) => ['train', `--train=${c.at('nope.jsonl')}`, '--steps=0', '--lr=-1', '--batchFrames=0', '--warmupSteps=-5', '--model=student-xxl'],
    stderr: /^speechkd-train: 6 problems with the training settings:\n {2}"steps" must be an integer >= 1, got 0\n {2}"batchFrames" must be an integer >= 1, got 0\n {2}"lr" must be a number > 0, got -1\n {2}"warmupSteps" must be an integer >= 0, got -5\n {2}"model" must be one of student-xs, .*, got "student-xxl"\n {2}"train": .*nope\.jsonl does not exist\n\(speechkd-train --help shows the usage\)\n$/,
  },
  {
    cli: 'speechkd-train', name: 'values that are no numbers, an unknown key, no manifest', exit: 2,
    args: () => ['train', '--steps=abc', '--lr', 'fast', '--stepz=3'],
    stderr: /^speechkd-train: 4 problems with the training settings:\n {2}command line: "steps" must be a number, got "abc"\n {2}command line: "lr" must be a number, got "fast"\n {2}command line: unknown config key "stepz"; known keys: model, .*\n {2}"train" \(the training manifest\) is required: pass --train=FILE or set it in --config\n/,
  },
  {
    cli: 'speechkd-train', name: '--config file that is missing', exit: 2, args: (c) => ['train', '--config', c.at('preset.json')],
    stderr: /^speechkd-train: --config .*preset\.json: cannot read JSON \(ENOENT: no such file or directory/,
  },
  {
    cli: 'speechkd-train', name: '--runDir is a file', exit: 2, setup: (c) => { manifest(c); c.file('run', ''); },
    args: (c) => train(c, `--runDir=${c.at('run')}`),
    stderr: /^speechkd-train: "runDir": .*run: cannot write here: .*run is a file, not a folder/m,
  },
  {
    cli: 'speechkd-train', name: '--runDir on a read-only disk', exit: 2, disk: 'read-only', setup: manifest,
    args: (c) => train(c, `--runDir=${c.at('runs/a')}`),
    stderr: /^speechkd-train: "runDir": .*runs\/a: cannot write here: the file system is read-only \(EROFS\)/m,
  },
  {
    cli: 'speechkd-train', name: '--runDir on a full disk', exit: 2, disk: 'full', setup: manifest,
    args: (c) => train(c, `--runDir=${c.at('runs/a')}`),
    stderr: /^speechkd-train: "runDir": .*runs\/a: cannot write here: no space left on the device \(the disk is full\)/m,
  },
  {
    cli: 'speechkd-train', name: 'a run folder made with other settings (resume is the default)', exit: 2,
    setup: (c) => { manifest(c); earlierRun(c); },
    args: (c) => train(c, `--runDir=${c.at('runs/a')}`, '--workers=1'),
    stderr: /^speechkd-train: runDir .*runs\/a holds a run made with other settings \(lr: 0\.002 -> 0\.001\); to start fresh use another runDir, delete the folder, or pass --fresh \(removes its checkpoints, best\/, final\/ and metrics\); to continue its weights with the new settings: initFrom=.*runs\/a\/checkpoints\/step-00000003 with another runDir\n/m,
  },
  {
    cli: 'speechkd-train', name: 'a run folder another process is training in', exit: 1,
    setup: (c) => {
      manifest(c);
      // The test process itself: alive while the case runs.
      c.file('runs/a/train.lock', JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: 'speechkd-train train (the other one)' }));
    },
    args: (c) => train(c, `--runDir=${c.at('runs/a')}`),
    stderr: /^speechkd-train: .*runs\/a: process \d+ \(speechkd-train train \(the other one\)\) is already training here since \S+; wait for it to finish or stop it; if it no longer runs, delete .*runs\/a\/train\.lock\n/m,
  },
  {
    cli: 'speechkd-train', name: '--config file with a wrong value and a misspelt key', exit: 2,
    setup: (c) => { manifest(c); c.file('preset.json', '{"steps": -2, "modle": "test-tiny"}'); },
    args: (c) => ['train', '--config', c.at('preset.json'), `--train=${c.at('train.jsonl')}`],
    stderr: /^speechkd-train: 2 problems with the training settings:\n {2}.*preset\.json: unknown config key "modle"; known keys: model, .*\n {2}"steps" must be an integer >= 1, got -2\n/,
  },
  {
    cli: 'speechkd-train', name: 'eval: every setting wrong, all in one message, before the model loads', exit: 2, setup: (c) => { c.file('out', ''); },
    args: (c) => ['eval', '--model', c.at('nomodel'), '--manifest', c.at('nope.jsonl'), '--max-utts=-3', '--engine', 'trt', '--out', c.at('out/hyps.txt')],
    stderr: /^speechkd-train: 5 problems with the settings:\n {2}--model: .*nomodel: no such folder\n {2}--manifest: .*nope\.jsonl: no such file\n {2}--max-utts: must be an integer >= 0 \(got "-3"\)\n {2}--engine: must be one of onnx, tfjs \(got "trt"\)\n {2}--out: .*hyps\.txt: cannot write here: .*out is a file, not a folder/,
  },
  {
    cli: 'speechkd-train', name: 'eval: a folder that is no model, --out in a new folder (not created)', exit: 2, setup: (c) => { manifest(c); c.file('model/notes.txt', ''); },
    args: (c) => ['eval', '--model', c.at('model'), '--manifest', c.at('train.jsonl'), '--out', c.at('results/hyps.txt')],
    stderr: /^speechkd-train: --model: .*model\/recognizer\.json: cannot read \(ENOENT\); pass a model folder \(a training run's final\/ or a folder written by speechkd-train export\)\n/,
  },
  {
    cli: 'speechkd-train', name: 'transcribe: audio files that do not exist', exit: 2, setup: (c) => { c.file('model/notes.txt', ''); },
    args: (c) => ['transcribe', '--model', c.at('model'), c.at('a.wav'), c.at('b.flac')],
    stderr: /^speechkd-train: 2 problems with the settings:\n {2}audio: .*a\.wav: no such file\n {2}audio: .*b\.flac: no such file\n/,
  },
  {
    cli: 'speechkd-train', name: 'quantize: required settings missing', exit: 2, args: () => ['quantize'],
    stderr: /^speechkd-train: 3 problems with the settings:\n {2}--model: is required \(give a folder\)\n {2}--precision: is required \(give float16 or int8\)\n {2}--out: is required/,
  },
  {
    cli: 'speechkd-train', name: 'quantize: unknown precision, --out is the model folder', exit: 2, setup: (c) => { c.file('model/notes.txt', ''); },
    args: (c) => ['quantize', '--model', c.at('model'), '--precision', 'int4', '--out', c.at('model')],
    stderr: /^speechkd-train: 3 problems with the settings:\n {2}--precision: must be one of float32, float16, int8 \(got "int4"\)\n {2}--out: .*model is the --model folder; quantize into another folder\n {2}--model: .*model\/model\.json: cannot read model manifest \(ENOENT\)/,
  },
  {
    cli: 'speechkd-train', name: 'export: an unknown dtype, --out is a file', exit: 2, setup: (c) => { c.file('model/notes.txt', ''); c.file('exported', ''); },
    args: (c) => ['export', '--model', c.at('model'), '--dtypes', 'fp32,fp64', '--out', c.at('exported')],
    stderr: /^speechkd-train: 3 problems with the settings:\n {2}--dtypes: must be one of fp32, fp16, q8, got "fp64"\n {2}--model: .*model\.json: cannot read model manifest \(ENOENT\).*\n {2}--out: .*exported: cannot write here: .*exported is a file, not a folder/,
  },
  {
    cli: 'speechkd-train', name: 'export: --out on a read-only disk', exit: 2, disk: 'read-only', setup: (c) => { c.file('model/notes.txt', ''); },
    args: (c) => ['export', '--model', c.at('model'), '--out', c.at('exported')],
    stderr: /--out: .*exported: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-train', name: '--resume with --fresh', exit: 2, args: (c) => [...train(c), '--resume', '--fresh'],
    stderr: /^speechkd-train: --resume and --fresh contradict each other: --fresh removes the checkpoints a resume continues\n\nusage:/,
  },
];
