import type { BadInputCase } from '../harness.js';

/** speechkd-synth: settings and the output folder, all refused before anything is rendered. */
export const SYNTH_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-synth', name: 'every setting wrong at once', exit: 2,
    args: (c) => ['--preset', 'huge', '--out', c.at('corpus'), '--seed=-3', '--workers', 'many', '--limit', '0'],
    stderr: /^speechkd-synth: 4 problems with the settings:\n {2}--preset: must be one of tiny, small, full \(got "huge"\)\n {2}--seed: must be an integer from 0 to 4294967295 \(got "-3"\)\n {2}--workers: must be an integer from 0 to 256 \(got "many"\)\n {2}--limit: must be an integer >= 1 \(got "0"\)/,
  },
  {
    cli: 'speechkd-synth', name: 'required settings missing', exit: 2, args: () => [],
    stderr: /^speechkd-synth: 2 problems with the settings:\n {2}--preset: is required \(give one of tiny, small, full\)\n {2}--out: is required/,
  },
  { cli: 'speechkd-synth', name: 'unknown flag', exit: 2, args: (c) => ['--preset', 'tiny', '--out', c.at('x'), '--fast'], stderr: /^speechkd-synth: Unknown option '--fast'[\s\S]*usage: speechkd-synth/ },
  {
    cli: 'speechkd-synth', name: '--out is a file', exit: 2, setup: (c) => { c.file('corpus', ''); },
    args: (c) => ['--preset', 'tiny', '--out', c.at('corpus')],
    stderr: /--out: .*corpus: cannot write here: .*corpus is a file, not a folder/,
  },
  {
    cli: 'speechkd-synth', name: '--out on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['--preset', 'tiny', '--out', c.at('data/corpus')],
    stderr: /--out: .*data\/corpus: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-synth', name: '--out on a disk too small for the preset', exit: 2, disk: 'small',
    args: (c) => ['--preset', 'tiny', '--out', c.at('corpus')],
    stderr: /--out: .*corpus: cannot write here: no space left on the device \(1\.0 MiB free, 36\.6 MiB needed\)/,
  },
  {
    cli: 'speechkd-synth', name: '--out on a full disk', exit: 2, disk: 'full',
    args: (c) => ['--preset', 'tiny', '--out', c.at('corpus'), '--limit', '1'],
    stderr: /--out: .*corpus: cannot write here: no space left on the device \(0\.0 MiB free, 0\.1 MiB needed\)/,
  },
  {
    cli: 'speechkd-synth', name: '--out on a pseudo file system (/proc)', exit: 2,
    args: () => ['--preset', 'tiny', '--out', '/proc/speechkd-bad-input'],
    stderr: /--out: \/proc\/speechkd-bad-input: cannot write here: the file system refused to create anything in \/proc/,
  },
  {
    cli: 'speechkd-synth', name: 'resuming a corpus made with other settings', exit: 1,
    setup: (c) => { c.file('corpus/SynthLibri/synth-config.json', '{"seed": 7}\n'); },
    args: (c) => ['--preset', 'tiny', '--out', c.at('corpus'), '--workers', '0'],
    stderr: /^speechkd-synth: .*SynthLibri was generated with other settings \(see synth-config\.json\); use another --out folder or the same preset, seed and augmentation/m,
  },
];
