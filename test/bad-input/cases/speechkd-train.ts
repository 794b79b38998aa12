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
 * speechkd-train train: every setting and the run folder checked before any work (nothing written), a
 * run folder made with other settings, one process per run folder. Resume after kill -9 is
 * speechkd-train-resume.test.ts.
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
    cli: 'speechkd-train', name: '--resume with --fresh', exit: 2, args: (c) => [...train(c), '--resume', '--fresh'],
    stderr: /^speechkd-train: --resume and --fresh contradict each other: --fresh removes the checkpoints a resume continues\n\nusage:/,
  },
];
