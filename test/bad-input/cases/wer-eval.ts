import path from 'node:path';
import type { BadInputCase } from '../harness.js';

const REFS = 'u1 THE CAT SAT\nu2 HELLO WORLD\n';
const DEV = (sample: string): string => path.join(sample, 'dev-clean', '2412', '153948', '2412-153948.trans.txt');

/** wer-eval: settings, output paths, scoring mix-ups, corpus convention, the error convention itself. */
export const WER_EVAL_CASES: BadInputCase[] = [
  {
    cli: 'wer-eval', name: 'score: every setting wrong at once', exit: 2,
    args: (c) => ['score', '--ref', c.at('nope.txt'), '--format', 'ctm', '--mode', 'lenient', '--normalize', 'upper'],
    stderr: /wer-eval: 5 problems with the settings:\n {2}--ref: .*nope\.txt: no such file\n {2}--hyp: is required .*\n {2}--format: must be one of kaldi, trn \(got "ctm"\)\n {2}--mode: must be one of strict, present, all \(got "lenient"\)\n {2}--normalize: must be one of none, librispeech/,
  },
  { cli: 'wer-eval', name: 'unknown command', exit: 2, args: () => ['rescore'], stderr: /^wer-eval: unknown command "rescore"\n\nusage:/ },
  { cli: 'wer-eval', name: 'unknown flag', exit: 2, args: () => ['score', '--colour'], stderr: /^wer-eval: Unknown option '--colour'/ },
  {
    cli: 'wer-eval', name: 'score: --details is a folder', exit: 2,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', REFS); c.file('details/keep', ''); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--details', c.at('details')],
    stderr: /--details: .*details: cannot write here: .*details is a folder, not a file; name a file/,
  },
  {
    cli: 'wer-eval', name: 'score: --details under a file', exit: 2,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', REFS); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--details', c.at('ref.txt/details.txt')],
    stderr: /--details: .*ref\.txt\/details\.txt: cannot write here: .*ref\.txt is a file, not a folder/,
  },
  {
    cli: 'wer-eval', name: 'score: --details on a read-only disk', exit: 2, disk: 'read-only',
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', REFS); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--details', c.at('out/details.txt')],
    stderr: /--details: .*: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'wer-eval', name: 'score: trn hypotheses read as kaldi (strict)', exit: 1,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.trn', 'THE CAT SAT (u1)\nHELLO WORLD (u2)\n'); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.trn'), '--details', c.at('details.txt')],
    stderr: /hyp\.trn: 2 of 2 lines end with "\(ID\)", the trn layout .* but were read as kaldi "ID word \.\.\.": pass --format trn/,
  },
  {
    cli: 'wer-eval', name: 'score: kaldi files read as trn', exit: 1,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', REFS); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--format', 'trn'],
    stderr: /ref\.txt:1: expected a trn line .*this looks like a kaldi file "ID word \.\.\.", pass --format kaldi/,
  },
  {
    cli: 'wer-eval', name: 'score: lower-case hypotheses, upper-case references (strict)', exit: 1,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', 'u1 the cat sat\nu2 hello world\n'); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt')],
    stderr: /differ in letter case: 5 hypothesis words match a reference word only when case is ignored .* pass --normalize librispeech/,
  },
  {
    cli: 'wer-eval', name: 'score: letter-case mismatch outside strict mode is a warning', exit: 0,
    setup: (c) => { c.file('ref.txt', REFS); c.file('hyp.txt', 'u1 the cat sat\nu2 hello world\n'); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--mode', 'present'],
    stderr: /^wer-eval: warning: hypotheses and references differ in letter case/,
  },
  {
    cli: 'wer-eval', name: 'score: empty reference file', exit: 1,
    setup: (c) => { c.file('ref.txt', '\n\n'); c.file('hyp.txt', REFS); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt')],
    stderr: /ref\.txt: reference file has no utterances/,
  },
  {
    cli: 'wer-eval', name: 'librispeech: --out is a file', exit: 2,
    setup: (c) => { c.file('out', 'x'); },
    args: (c) => ['librispeech', '--root', c.sample, '--subset', 'dev-clean', '--hyp', DEV(c.sample), '--out', c.at('out')],
    stderr: /--out: .*out: cannot write here: .*out is a file, not a folder/,
  },
  {
    cli: 'wer-eval', name: 'librispeech: --out on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['librispeech', '--root', c.sample, '--subset', 'dev-clean', '--hyp', DEV(c.sample), '--out', c.at('eval/out')],
    stderr: /--out: .*eval\/out: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'wer-eval', name: 'librispeech: --out on a full disk', exit: 2, disk: 'full',
    args: (c) => ['librispeech', '--root', c.sample, '--subset', 'dev-clean', '--hyp', DEV(c.sample), '--out', c.at('eval')],
    stderr: /--out: .*eval: cannot write here: no space left on the device \(the disk is full\)/,
  },
  {
    cli: 'wer-eval', name: 'librispeech: unknown subset, both --hyp and --model, bad numbers', exit: 2,
    args: (c) => ['librispeech', '--root', c.sample, '--subset', 'test-dirty', '--hyp', DEV(c.sample), '--model', c.dir, '--limit', '0', '--out', c.at('out')],
    stderr: /3 problems with the settings:\n {2}--subset: no subset "test-dirty" under .*; found: dev-clean, test-clean, test-other\n {2}--hyp: give exactly one of --hyp FILE and --model DIR\n {2}--limit: must be an integer >= 1 \(got "0"\)/,
  },
  {
    cli: 'wer-eval', name: 'librispeech: lower-case hypotheses against LibriSpeech references', exit: 1,
    setup: (c) => { c.file('hyp.txt', '2412-153948-0000 only the hidden sorrow of reading the leader'); },
    args: (c) => ['librispeech', '--root', c.sample, '--subset', 'dev-clean', '--hyp', c.at('hyp.txt'), '--out', c.at('out')],
    stderr: /differ in letter case: .*references are upper case, hypotheses lower case: pass --normalize librispeech/,
    creates: ['out'],
  },
  {
    cli: 'wer-eval', name: 'librispeech: transcripts outside the corpus convention (warning)', exit: 0,
    setup: (c) => {
      c.file('LibriSpeech/dev-clean/1/2/1-2.trans.txt', '1-2-0000 Hello, world!\n');
      c.file('LibriSpeech/dev-clean/1/2/1-2-0000.wav', new Uint8Array(0));
      c.file('hyp.txt', '1-2-0000 Hello, world!\n');
    },
    args: (c) => ['librispeech', '--root', c.at('LibriSpeech'), '--subset', 'dev-clean', '--hyp', c.at('hyp.txt'), '--out', c.at('out')],
    stderr: /^wer-eval: warning: 1 of 1 transcripts break the LibriSpeech convention \(upper case A-Z plus apostrophe\), first .*1-2\.trans\.txt:1 "Hello, world!"; score them with --normalize librispeech/,
    creates: ['out/recogs-dev-clean.txt', 'out/errs-dev-clean.txt', 'out/wer-summary-dev-clean.txt', 'out/hyp-dev-clean.txt', 'out/report-dev-clean.html'],
  },
  {
    cli: 'wer-eval', name: 'a typed error with --debug shows the stack (and only then)', exit: 1,
    setup: (c) => { c.file('ref.txt', '\n'); c.file('hyp.txt', REFS); },
    args: (c) => ['score', '--ref', c.at('ref.txt'), '--hyp', c.at('hyp.txt'), '--debug'],
    stderr: /^wer-eval: .*ref\.txt: reference file has no utterances.*\nWerEvalError: .*\n\s+at /,
    debug: true,
  },
];
