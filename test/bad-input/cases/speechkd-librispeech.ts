import type { BadInputCase, CaseContext } from '../harness.js';
import { wavBytes } from '../harness.js';

/** A one-utterance LibriSpeech subset `dev-x` under `<dir>/LibriSpeech` with the given audio and transcript. */
function subset(c: CaseContext, audio: Uint8Array, text = 'HELLO WORLD'): void {
  c.file('LibriSpeech/dev-x/1/2/1-2.trans.txt', `1-2-0000 ${text}\n`);
  c.file('LibriSpeech/dev-x/1/2/1-2-0000.wav', audio);
}

/** speechkd-librispeech: settings, output paths, corpus layout, absurd audio headers, the corpus convention. */
export const LIBRISPEECH_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-librispeech', name: 'manifest: required settings missing', exit: 2, args: () => ['manifest'],
    stderr: /^speechkd-librispeech: 3 problems with the settings:\n {2}--root: is required \(give a folder\)\n {2}--subset: is required .*\n {2}--out: is required/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: unknown subset', exit: 2,
    args: (c) => ['manifest', '--root', c.sample, '--subset', 'train-clean-100', '--out', c.at('m.jsonl')],
    stderr: /--subset: no subset "train-clean-100" under .*; found: dev-clean, test-clean, test-other/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: --out is a folder', exit: 2, setup: (c) => { c.file('m.jsonl/keep', ''); },
    args: (c) => ['manifest', '--root', c.sample, '--subset', 'dev-clean', '--out', c.at('m.jsonl')],
    stderr: /--out: .*m\.jsonl: cannot write here: .*m\.jsonl is a folder, not a file/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: --out on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['manifest', '--root', c.sample, '--subset', 'dev-clean', '--out', c.at('manifests/dev.jsonl')],
    stderr: /--out: .*dev\.jsonl: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: a malformed transcript line', exit: 1,
    setup: (c) => { subset(c, wavBytes(1600, 16000)); c.file('LibriSpeech/dev-x/1/2/1-2.trans.txt', 'HELLO WORLD\n'); },
    args: (c) => ['manifest', '--root', c.at('LibriSpeech'), '--subset', 'dev-x', '--out', c.at('m.jsonl')],
    stderr: /1-2\.trans\.txt:1: expected "<speaker>-<chapter>-<n> TEXT" .*\[malformed-line\] \(pass onProblem: 'skip' \/ --skip-problems/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: a WAV header declaring 1 Hz', exit: 1,
    setup: (c) => subset(c, wavBytes(1600, 1)),
    args: (c) => ['manifest', '--root', c.at('LibriSpeech'), '--subset', 'dev-x', '--out', c.at('m.jsonl')],
    stderr: /1-2-0000\.wav: cannot read audio header: .*1-2-0000\.wav: header declares a sample rate of 1 Hz, outside 1000-384000 Hz/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: a WAV header declaring more data than the file holds', exit: 1,
    setup: (c) => subset(c, wavBytes(1600, 16000, 1_000_000_000)),
    args: (c) => ['manifest', '--root', c.at('LibriSpeech'), '--subset', 'dev-x', '--out', c.at('m.jsonl')],
    stderr: /1-2-0000\.wav: truncated WAV: data chunk declares 1000000000 bytes but only 3200 are present/,
  },
  {
    cli: 'speechkd-librispeech', name: 'manifest: transcripts outside the corpus convention (warning)', exit: 0,
    setup: (c) => subset(c, wavBytes(1600, 16000), 'hello world 42'),
    args: (c) => ['manifest', '--root', c.at('LibriSpeech'), '--subset', 'dev-x', '--out', c.at('m.jsonl')],
    stderr: /^speechkd-librispeech: warning: 1 of 1 transcripts break the LibriSpeech convention \(upper case A-Z plus apostrophe\), first .*1-2\.trans\.txt:1 "hello world 42"/m,
    creates: ['m.jsonl'],
  },
  {
    cli: 'speechkd-librispeech', name: 'download: bad subset, checksum and URL', exit: 2,
    args: (c) => ['download', '--subset', 'test-dirty', '--dir', c.at('data'), '--md5', 'xyz', '--base-url', 'ftp://example.org/12'],
    stderr: /^speechkd-librispeech: 2 problems with the settings:\n {2}--md5: must be 32 hexadecimal digits \(got "xyz"\)\n {2}--base-url: must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/example\.org\/12"\)/,
  },
  {
    cli: 'speechkd-librispeech', name: 'download: unknown subset without a checksum', exit: 2,
    args: (c) => ['download', '--subset', 'test-dirty', '--dir', c.at('data')],
    stderr: /--subset: must be one of dev-clean, dev-other, test-clean, test-other, train-clean-100, train-clean-360, train-other-500 \(got "test-dirty"\)/,
  },
  {
    cli: 'speechkd-librispeech', name: 'download: --dir on a read-only disk', exit: 2, disk: 'read-only',
    args: (c) => ['download', '--subset', 'dev-clean', '--dir', c.at('data')],
    stderr: /--dir: .*data: cannot write here: the file system is read-only \(EROFS\)/,
  },
  { cli: 'speechkd-librispeech', name: 'unknown command', exit: 2, args: () => ['fetch'], stderr: /^speechkd-librispeech: unknown command "fetch"\n\nusage:/ },
];
