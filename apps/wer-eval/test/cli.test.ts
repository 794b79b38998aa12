import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT, compiledCli } from '@speechkd/fixtures';
import { describe, expect, it } from 'vitest';

// The CLI runs compiled (node dist/cli.js, as users run it).
const CLI = compiledCli(path.join(import.meta.dirname, '..'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wer-eval-cli-'));
const write = (name: string, data: string | Uint8Array): string => { const f = path.join(tmp, name); fs.writeFileSync(f, data); return f; };

describe('wer-eval CLI', () => {
  it('score --json prints one object with the contract keys; --details writes the alignment', () => {
    const ref = write('ref.txt', 'u1 THE CAT SAT\r\nu2\tHELLO  WORLD\n');
    const hyp = write('hyp.txt', 'u1 THE BAT SAT DOWN\nu2 HELLO WORLD\n');
    const details = path.join(tmp, 'details.txt');
    const r = run('score', '--ref', ref, '--hyp', hyp, '--json', '--details', details);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ wer: 0.4, errors: 2, substitutions: 1, deletions: 0, insertions: 1, hits: 4, referenceWords: 5, utterances: 2, sentenceErrors: 1 });
    expect(typeof j.cer).toBe('number');
    expect(fs.readFileSync(details, 'utf8')).toContain('REF:  the CAT sat ****\nHYP:  the BAT sat DOWN\nEval:     S       I');
  });

  it('unknown flags, bad choices and unknown commands: exit 2 with a clear message', () => {
    const r = run('score', '--ref', 'a', '--hyp', 'b', '--colour');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wer-eval: Unknown option '--colour'/);
    const m = run('rescore', '--mode', 'lenient');
    expect([m.status, m.stderr]).toEqual([2, expect.stringMatching(/unknown command "rescore"/)]);
  });

  it('bad input files: missing ids (strict), non-UTF-8 -> exit 1 naming the file', () => {
    const ref = write('r2.txt', 'u1 A\nu2 B\n');
    const r1 = run('score', '--ref', ref, '--hyp', write('h2.txt', 'u1 A\n'));
    expect([r1.status, r1.stderr]).toEqual([1, expect.stringMatching(/1 of 2 reference utterances have no hypothesis: u2/)]);
    const r2 = run('score', '--ref', ref, '--hyp', write('h3.txt', new Uint8Array([0x75, 0x31, 0x20, 0xff, 0x0a])));
    expect(r2.stderr).toMatch(/h3\.txt:1: not valid UTF-8 text/);
  });

  it('librispeech --hyp writes the result files and prints a one-line summary; --model fails clearly when unloadable', () => {
    const hyp = write('ls-hyp.txt', fs.readFileSync(path.join(LIBRISPEECH_SAMPLE_ROOT, 'dev-clean', '2412', '153948', '2412-153948.trans.txt'), 'utf8').replace('READER', 'LEADER'));
    const out = path.join(tmp, 'out');
    const r = run('librispeech', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'dev-clean', '--hyp', hyp, '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dev-clean: WER \d+\.\d\d % \(1\/36 words\), 1 utterances, RTF n\/a/);
    expect(fs.readdirSync(out).sort()).toEqual(['errs-dev-clean.txt', 'hyp-dev-clean.txt', 'recogs-dev-clean.txt', 'report-dev-clean.html', 'wer-summary-dev-clean.txt']);
    const both = run('librispeech', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'dev-clean', '--out', out);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/exactly one of --hyp FILE and --model DIR/)]);
    const model = run('librispeech', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'dev-clean', '--model', path.join(tmp, 'no-model'), '--out', out);
    expect(model.status).toBe(2);
    expect(model.stderr).toMatch(/^wer-eval: --model: .*no-model: no such folder$/m);
    const notModel = path.join(tmp, 'not-a-model');
    fs.mkdirSync(notModel);
    const fresh = path.join(tmp, 'fresh-out');
    const loaded = run('librispeech', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'dev-clean', '--model', notModel, '--out', fresh);
    expect(loaded.status).toBe(2);
    expect(loaded.stderr).toMatch(/^wer-eval: --model: .*not-a-model/m); // after the backend log line
    expect(fs.existsSync(fresh)).toBe(false); // nothing created when the model cannot be loaded
  });
});
