import os from 'node:os';
import type { BadInputCase } from '../harness.js';

/** speechkd-text-tower: settings, inputs that must parse and the output folder, all before training. */
export const TEXT_TOWER_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-text-tower', name: 'zero and negative numbers, unknown preset', exit: 2,
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '0', '--batch-size=-4', '--lr', '0', '--warmup=-1', '--checkpoint-every', '0', '--preset', 'huge'],
    stderr: /^speechkd-text-tower: 6 problems with the settings:\n {2}--steps: must be an integer >= 1 \(got "0"\)\n {2}--batch-size: must be an integer >= 1 \(got "-4"\)\n {2}--warmup: must be an integer >= 0 \(got "-1"\)\n {2}--checkpoint-every: must be an integer >= 1 \(got "0"\)\n {2}--preset: must be one of tiny, small \(got "huge"\)\n {2}--lr: must be a number > 0 and <= 1 \(got "0"\)/,
  },
  {
    cli: 'speechkd-text-tower', name: 'required settings missing', exit: 2, args: () => ['train'],
    stderr: /^speechkd-text-tower: 2 problems with the settings:\n {2}--steps: is required \(an integer >= 1\)\n {2}--out: is required/,
  },
  {
    cli: 'speechkd-text-tower', name: 'an architecture that cannot work (hidden not divisible by heads, warm-up beyond the steps)', exit: 2,
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '10', '--warmup', '20', '--preset', 'tiny', '--hidden', '30', '--heads', '4'],
    stderr: /--heads: hidden size 30 must be divisible by the number of heads 4\n {2}--warmup: must be at most --steps 10 \(got 20\)/,
  },
  {
    cli: 'speechkd-text-tower', name: '--exclude manifest that is not JSON lines', exit: 2, setup: (c) => { c.file('test.jsonl', '{"text": "A B"}\nnot json\n'); },
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '5', '--exclude', c.at('test.jsonl')],
    stderr: /--exclude: .*test\.jsonl:2: not JSON; pass a manifest \.jsonl/,
  },
  {
    cli: 'speechkd-text-tower', name: '--out is a file', exit: 2, setup: (c) => { c.file('tower', ''); },
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '5'],
    stderr: /--out: .*tower: cannot write here: .*tower is a file, not a folder/,
  },
  {
    cli: 'speechkd-text-tower', name: '--out on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['train', '--out', c.at('runs/tower'), '--steps', '5'],
    stderr: /--out: .*runs\/tower: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-text-tower', name: '--out on a full disk', exit: 2, disk: 'full',
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '5'],
    stderr: /--out: .*tower: cannot write here: no space left on the device \(the disk is full\)/,
  },
  {
    cli: 'speechkd-text-tower', name: 'a folder another process is training in', exit: 1,
    // The test process itself holds the lock: alive while the case runs.
    setup: (c) => { c.file('tower/train.lock', JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: 'speechkd-text-tower train (the other one)' })); },
    args: (c) => ['train', '--out', c.at('tower'), '--steps', '5', '--max-sentences', '200'],
    stderr: /^speechkd-text-tower: .*tower: process \d+ \(speechkd-text-tower train \(the other one\)\) is already training here since \S+; wait for it to finish or stop it; if it no longer runs, delete .*tower\/train\.lock\n/m,
  },
  {
    cli: 'speechkd-text-tower', name: 'info on a folder that is no checkpoint', exit: 2,
    args: (c) => ['info', c.dir],
    stderr: /^speechkd-text-tower: DIR: .* is not a text-tower checkpoint \(no config\.json or LATEST\); train one with `speechkd-text-tower train --out/,
  },
  { cli: 'speechkd-text-tower', name: 'unknown command', exit: 2, args: () => ['fit'], stderr: /^speechkd-text-tower: unknown command "fit"\n\nusage:/ },
];
