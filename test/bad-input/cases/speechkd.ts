import { RELEASED } from '@speechkd/models';
import type { BadInputCase } from '../harness.js';

/** The main job (`speechkd run`): every setting and both output folders checked before any stage runs. */
export const MAIN_JOB_CASES: BadInputCase[] = [
  {
    cli: 'speechkd', name: 'run: wrong settings of every kind, all in one message', exit: 2,
    // micro: the job trains its own teacher, so --teacherModel is used and checked (the default preset uses the released one).
    args: () => ['run', '--preset=micro', '--lr=-1', '--decay=exp', '--teacherModel=teacher-xxl', '--jobs=0', '--realSubsets=test-dirty', '--distill=kdWeight=x'],
    stderr: /^speechkd: 6 problems with the settings \(nothing was run\):\n {2}--jobs=0: must be an integer >= 1\n {2}--lr=-1: must be > 0\n {2}--decay=exp: use one of inverse-sqrt, cosine, linear, constant\n {2}--realSubsets: "test-dirty" is not a subset of the bundled LibriSpeech sample; .*\n {2}--teacherModel=teacher-xxl: model preset "teacher-xxl" is unknown; .*\n {2}--distill=kdWeight=x: distill config key "kdWeight" must be a number, got "x"\n\(speechkd --help shows the usage\)\n$/,
  },
  {
    cli: 'speechkd', name: 'run: unknown setting', exit: 2, args: () => ['run', '--stepz=3'],
    stderr: /^speechkd: --stepz: unknown setting; known: name, runsDir, dataDir, /,
  },
  { cli: 'speechkd', name: 'run: unknown preset', exit: 2, args: () => ['run', '--preset=huge'], stderr: /^speechkd: --preset huge: unknown preset; use one of default, full, / },
  {
    cli: 'speechkd', name: 'run: --runsDir is a file and --dataDir under a file', exit: 2, setup: (c) => { c.file('runs', ''); },
    args: (c) => ['run', '--preset=micro', `--runsDir=${c.at('runs')}`, `--dataDir=${c.at('runs/data')}`],
    stderr: /^speechkd: 2 problems with the settings:\n {2}--runsDir: .*runs: cannot write here: .*runs is a file, not a folder; .*\n {2}--dataDir: .*runs\/data: cannot write here: .*runs is a file, not a folder/,
  },
  {
    cli: 'speechkd', name: 'run: --runsDir on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['run', '--preset=micro', `--runsDir=${c.at('runs')}`, `--dataDir=${c.at('data')}`],
    stderr: /^speechkd: 2 problems with the settings:\n {2}--runsDir: .*runs: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd', name: 'run: output folders on a disk with too little space', exit: 2, disk: 'small',
    args: (c) => ['run', '--preset=micro', `--runsDir=${c.at('runs')}`, `--dataDir=${c.at('data')}`],
    stderr: /--runsDir: .*runs: cannot write here: no space left on the device \(\d\.\d MiB free, 64\.0 MiB needed\)/,
  },
  {
    cli: 'speechkd', name: 'release: --out is a file (written after every teacher stage: checked before the first)', exit: 2, setup: (c) => { c.file('models', ''); },
    args: (c) => ['release', '--preset=micro', `--out=${c.at('models')}`], // runs/ and data/ in the case's folder
    stderr: /^speechkd: --out: .*models: cannot write here: .*models is a file, not a folder; choose a folder path or remove the file\n/,
  },
  {
    cli: 'speechkd', name: 'run: a run folder made with other settings', exit: 2,
    // A record that passes the checks (settings it lacks count as the defaults): another studentSteps.
    setup: (c) => { c.file('runs/default/pipeline-config.json', JSON.stringify({ speechTeacher: RELEASED.speechTeacher, textTeacher: RELEASED.textTower, studentSteps: 5 })); },
    args: () => ['run'], // runs/ and data/ in the case's folder
    stderr: /^speechkd: .*runs\/default was made with other settings \(studentSteps: 5 -> \d+\); pick another --name or delete that folder\n/m,
  },
];
