import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import { lmSweep, releaseTeachers, resolvePipelineConfig, runPipeline } from '@speechkd/app';
import { readRelease } from '@speechkd/models';
import { loadTfjsRecognizer } from '@speechkd/student-trainer';
import { evaluateLibriSpeech } from '@speechkd/wer-eval';
import type { PipelineResult } from '@speechkd/app';

// The whole main job in miniature: 48 synthetic utterances, tiny models, a few steps each; with the
// ablation students and two worker processes, each training on two data-parallel worker threads.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-pipeline-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function readMetrics(file: string): Array<Record<string, number>> {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((m) => (m as unknown as { type: string }).type === 'train');
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('main job (micro preset)', () => {
  let result: PipelineResult;
  const log: string[] = [];

  it('runs every stage and writes the reports', async () => {
    const cfg = resolvePipelineConfig('micro', { runsDir: path.join(root, 'runs'), dataDir: path.join(root, 'data'), backend: 'wasm', ablations: 'true', jobs: '2', cores: '4' });
    result = await runPipeline(cfg, { log: (l) => log.push(l) });
    for (const f of Object.values(result.reports)) expect(fs.existsSync(f), f).toBe(true);
    for (const dir of [result.paths.teacher, result.paths.teacherFinetune, result.paths.studentCtc, result.paths.studentKd, path.join(result.paths.run, 'student-kd-soft'), path.join(result.paths.run, 'student-kd-speech')]) {
      expect(fs.existsSync(path.join(dir, 'final', 'model.json')), dir).toBe(true);
    }
    // The students learn from the teacher bundle the report evaluates, not from best/ (an early checkpoint
    // of a young run can be best by dev score and output nothing).
    const cache = JSON.parse(fs.readFileSync(path.join(result.paths.cache, 'cache.json'), 'utf8')) as { speech: { name: string } };
    expect(cache.speech.name).toMatch(/teacher-finetune[\\/]final, onnxruntime\)$/); // through the exported graph (engine onnx)
    expect(result.paths.speechTeacher).toBe(result.paths.teacherFinetune);
    expect(log.filter((l) => l.includes('worker process started')).length).toBe(9); // every stage but synth, synth-teacher and evaluate runs in a worker
    // cores 4 / jobs 2: every training (the distilled ones rebuild their objective on the helper thread) runs on two workers.
    for (const stage of ['teacher', 'teacher-finetune', 'student-ctc', 'student-kd', 'student-kd-soft', 'student-kd-speech']) {
      const rec = JSON.parse(fs.readFileSync(path.join(result.paths.run, 'stages', `${stage}.json`), 'utf8')) as { result: { workers: number } };
      expect(rec.result.workers, stage).toBe(2);
    }
    expect(log.some((l) => /\(text-tower\) .*text tower: 2 data-parallel workers/.test(l))).toBe(true);
  }, 600_000);

  it('the second teacher phase continues the first from its last step with its own settings', () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(result.paths.teacherFinetune, 'config.json'), 'utf8')) as { steps: number; specAugment: boolean; dropout: number };
    expect(cfg).toMatchObject({ steps: 12, specAugment: true, dropout: 0.1 });
    const first = JSON.parse(fs.readFileSync(path.join(result.paths.teacher, 'config.json'), 'utf8')) as { specAugment: boolean };
    expect(first.specAugment).toBe(false);
    const steps = readMetrics(path.join(result.paths.teacherFinetune, 'metrics.jsonl')).map((m) => m.step);
    expect(steps[0]).toBe(9);
    expect(steps[steps.length - 1]).toBe(12);
    const phase1 = readMetrics(path.join(result.paths.teacher, 'metrics.jsonl')).map((m) => m.step);
    expect(phase1[phase1.length - 1]).toBe(8);
    const bundle = JSON.parse(fs.readFileSync(path.join(result.paths.teacherFinetune, 'final', 'model.json'), 'utf8')) as { info: { step: number } };
    expect(bundle.info.step).toBe(12);
  }, 600_000);

  type Entry = { id: string; audio: string; speaker: string; text: string };
  const readManifest = (file: string): Entry[] =>
    fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry).map((e) => ({ ...e, audio: path.resolve(path.dirname(file), e.audio) }));
  /** The training manifest a training run's saved config names. */
  const cfgOf = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { train: string }).train;

  it('the second teacher phase also hears the extra speakers, never a dev/test sentence; the CTC-only student does not', () => {
    const corpus = path.join(result.paths.corpus, 'SynthLibri');
    const train = readManifest(path.join(corpus, 'train.jsonl'));
    const heldOut = new Set(['dev', 'test'].flatMap((s) => readManifest(path.join(corpus, `${s}.jsonl`)).map((e) => e.text)));
    const teacherTrain = readManifest(result.paths.teacherTrain);
    expect(new Set(teacherTrain.map((e) => e.id)).size).toBe(teacherTrain.length);
    const extra = teacherTrain.slice(train.length);
    expect(teacherTrain.slice(0, train.length).map((e) => e.id)).toEqual(train.map((e) => e.id));
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.length).toBeLessThanOrEqual(12); // 2 speakers x 6 utterances
    expect(new Set(extra.map((e) => e.speaker))).toEqual(new Set(['1011', '1012'])); // after the corpus's 10 speakers
    expect(extra.filter((e) => heldOut.has(e.text))).toEqual([]);
    for (const e of extra) expect(fs.existsSync(e.audio), e.audio).toBe(true);
    expect(cfgOf(result.paths.teacherFinetune)).toBe(result.paths.teacherTrain);
    expect(cfgOf(result.paths.teacher)).toBe(path.join(corpus, 'train.jsonl'));
    expect(cfgOf(result.paths.studentCtc)).toBe(path.join(corpus, 'train.jsonl'));
    expect(fs.readFileSync(result.reports.markdown, 'utf8')).toMatch(/second phase also trained on 2 extra synthetic speakers \(\d+ utts/);
  });

  it('the distilled students also train on the extra speakers, labelled by the teacher (transfer set)', () => {
    const corpus = path.join(result.paths.corpus, 'SynthLibri');
    const train = readManifest(path.join(corpus, 'train.jsonl'));
    const extra = readManifest(result.paths.teacherTrain).slice(train.length);
    const transfer = readManifest(result.paths.studentTransfer);
    expect(transfer.slice(0, train.length)).toEqual(train);
    const stage = (name: string) => (JSON.parse(fs.readFileSync(path.join(result.paths.run, 'stages', `${name}.json`), 'utf8')) as { result: Record<string, number> }).result;
    const labels = stage('transfer-labels');
    expect(labels.utterances + labels.dropped).toBe(extra.length);
    expect(transfer.length).toBe(train.length + labels.utterances);
    const extraIds = new Set(extra.map((e) => e.id));
    for (const e of transfer.slice(train.length)) {
      expect(extraIds.has(e.id), e.id).toBe(true);
      expect(e.text).toMatch(/^[A-Z' ]+$/); // the teacher's transcript, never empty
    }
    expect(labels.labelWer).toBeGreaterThanOrEqual(0); // scored against the true transcripts
    expect(stage('teacher-cache').utterances).toBe(transfer.length);
    for (const key of ['student-kd', 'student-kd-soft', 'student-kd-speech']) expect(cfgOf(path.join(result.paths.run, key)), key).toBe(result.paths.studentTransfer);
    expect(fs.readFileSync(result.reports.markdown, 'utf8')).toMatch(/distilled students also trained on those speakers as a transfer set: \d+ utts \/ [\d.]+ min with the teacher's transcripts decoded with a character 3-gram LM/);
    expect([labels.decoder, labels.lmOrder]).toEqual(['lm', 3]); // the micro preset labels with the LM (transferLm)
    // ... an LM that never saw the transfer set's (or the training set's) sentences.
    expect(log.some((l) => /^\(transfer-labels\) \[lm\] character 3-gram LM: .* excluded: the transcripts of .*dev\.jsonl, .*test\.jsonl, .*teacher-train\.jsonl\)/.test(l))).toBe(true);
  });

  it('summary.json parses and holds the three systems with WER on every set', () => {
    const summary = JSON.parse(fs.readFileSync(result.reports.summary, 'utf8')) as {
      systems: Array<{ key: string; params: number; results: Array<{ set: string; wer: number | null; utterances: number }> }>;
    };
    expect(summary.systems.map((s) => s.key)).toEqual(['teacher', 'student-ctc', 'student-kd-soft', 'student-kd-speech', 'student-kd']);
    for (const s of summary.systems) {
      expect(s.params).toBeGreaterThan(0);
      expect(s.results.map((r) => r.set)).toEqual(['synthetic test', 'synthetic dev', 'LibriSpeech test-clean', 'synthetic test (LM)', 'synthetic dev (LM)']);
      for (const r of s.results) {
        expect(r.utterances).toBeGreaterThan(0);
        expect(r.wer).toBeGreaterThanOrEqual(0);
      }
    }
    const md = fs.readFileSync(result.reports.markdown, 'utf8');
    expect(md).toMatch(/\| student \(test-tiny, distilled\) \|/);
    expect(md).toMatch(/synthetic test \(LM\) WER % \|/);
    expect(md).toMatch(/Sets marked \(LM\): prefix beam search \(beam 16\) with a character 3-gram LM/);
    expect(md).toMatch(/synthetic test \(LM\) [-+]\d+\.\d%/); // the distilled students' relative WER under the LM too
    expect(fs.readFileSync(result.reports.html, 'utf8')).toMatch(/<table>/);
  });

  it('lm-sweep scores every system with each LM setting; a rerun keeps the finished settings, another grid or beam adds to the file', async () => {
    const lines: string[] = [];
    const opts = { run: result.paths.run, orders: [3], weights: [0.5], bonuses: [0, 1], beamSize: 4, subset: 'dev' as const, log: (l: string) => lines.push(l) };
    const first = await lmSweep(opts);
    const keys = ['teacher', 'student-ctc', 'student-kd-soft', 'student-kd-speech', 'student-kd'];
    expect(Object.keys(first.greedy)).toEqual(keys);
    expect(first.rows.map((r) => [r.order, r.weight, r.bonus])).toEqual([[3, 0.5, 0], [3, 0.5, 1]]);
    for (const r of first.rows) for (const k of keys) expect(r.scores[k][0], k).toBeGreaterThanOrEqual(0);
    expect((JSON.parse(fs.readFileSync(first.file, 'utf8')) as { rows: unknown[] }).rows).toHaveLength(2);
    const again = await lmSweep({ ...opts, bonuses: [0, 1, 2] });
    expect(lines.filter((l) => l.includes('reused from')).length).toBe(2);
    expect(again.rows.slice(0, 2)).toEqual(first.rows);
    expect(again.rows).toHaveLength(3);
    // Another beam is a new setting: it is scored, and the file keeps the beam-4 rows beside it.
    const wider = await lmSweep({ ...opts, bonuses: [1], beamSize: 2 });
    expect(wider.rows.map((r) => [r.bonus, r.beamSize])).toEqual([[1, 2]]);
    const saved = JSON.parse(fs.readFileSync(first.file, 'utf8')) as { rows: { bonus: number; beamSize: number }[] };
    expect(saved.rows.map((r) => [r.bonus, r.beamSize])).toEqual([[0, 4], [1, 4], [2, 4], [1, 2]]);
  }, 120_000);

  it('every distillation term decreases during the distilled run', () => {
    const m = readMetrics(path.join(result.paths.studentKd, 'metrics.jsonl'));
    expect(m.length).toBeGreaterThanOrEqual(10);
    for (const term of ['loss/ctc', 'loss/kd', 'loss/speech', 'loss/text']) {
      const values = m.map((r) => r[term]);
      expect(values.every(Number.isFinite), term).toBe(true);
      expect(mean(values.slice(-4)), term).toBeLessThan(mean(values.slice(0, 4)));
    }
  });

  it('wer-eval librispeech --model evaluates the distilled student\'s model folder (the CLI as users run it) as the tfjs weights score', async () => {
    const final = path.join(result.paths.studentKd, 'final');
    const run = (dtype: string) => {
      const out = path.join(root, `wer-eval-model-${dtype}`);
      const r = spawnSync(process.execPath, [
        fileURLToPath(new URL('../apps/wer-eval/dist/cli.js', import.meta.url)), 'librispeech', '--root', LIBRISPEECH_SAMPLE_ROOT, '--subset', 'test-clean',
        '--model', final, '--dtype', dtype, '--out', out, '--json',
      ], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readdirSync(out).some((f) => f.startsWith('wer-summary'))).toBe(true);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { utterances: number; referenceWords: number; wer: number; errors: number; cer: number };
    };
    const onnx = run('fp32');
    expect(onnx.utterances).toBe(4);
    expect(onnx.referenceWords).toBe(61);
    expect(run('q8').utterances).toBe(4);
    // The trainer's tfjs recognizer on the same bundle's weights scores the same.
    const rec = await loadTfjsRecognizer(final);
    const tfjs = await evaluateLibriSpeech({ root: LIBRISPEECH_SAMPLE_ROOT, subset: 'test-clean', recognizer: rec, outDir: path.join(root, 'wer-eval-model-tfjs') });
    rec.dispose();
    expect({ wer: onnx.wer, cer: onnx.cer, errors: onnx.errors }).toEqual({ wer: tfjs.summary.wer, cer: tfjs.summary.cer, errors: tfjs.summary.errors });
  }, 120_000);

  it('speechkd-train eval --lm FILE decodes with a character LM; a missing LM file is a usage error naming it', () => {
    const trainCli = fileURLToPath(new URL('../packages/student-trainer/dist/cli.js', import.meta.url));
    const lmText = path.join(root, 'lm.txt');
    fs.writeFileSync(lmText, readManifest(path.join(result.paths.corpus, 'SynthLibri', 'train.jsonl')).map((e) => e.text).join('\n'));
    const evalArgs = ['eval', '--model', path.join(result.paths.studentKd, 'final'), '--manifest', path.join(result.paths.corpus, 'SynthLibri', 'dev.jsonl'), '--engine', 'onnx'];
    const env = { ...process.env, SPEECHKD_BACKEND: 'wasm' };
    const r = spawnSync(process.execPath, [trainCli, ...evalArgs, '--lm', lmText, '--lm-order', '3', '--lm-weight', '0.5', '--beam-size', '4'], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { utterances: number; wer: number };
    expect(out.utterances).toBeGreaterThan(0);
    expect(out.wer).toBeGreaterThanOrEqual(0);
    const bad = spawnSync(process.execPath, [trainCli, ...evalArgs, '--lm', path.join(root, 'no-such-lm.txt')], { encoding: 'utf8', env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--lm .*no-such-lm\.txt: cannot read \(ENOENT\)/);
    const greedyWithLm = spawnSync(process.execPath, [trainCli, ...evalArgs, '--lm', lmText, '--decoder', 'greedy'], { encoding: 'utf8', env });
    expect(greedyWithLm.stderr).toMatch(/--lm needs --decoder beam/);
    const negative = spawnSync(process.execPath, [trainCli, ...evalArgs, '--lm', lmText, '--lm-weight=-1'], { encoding: 'utf8', env });
    expect(negative.stderr).toMatch(/--lm-weight must be a number >= 0, got "-1"/);
  }, 120_000);

  it('a rerun reuses every finished stage', async () => {
    const cfg = resolvePipelineConfig('micro', { runsDir: path.join(root, 'runs'), dataDir: path.join(root, 'data'), backend: 'wasm', ablations: 'true', jobs: '2' });
    const again: string[] = [];
    await runPipeline(cfg, { log: (l) => again.push(l) });
    expect(again.filter((l) => l.includes('reusing result')).length).toBe(12);
  }, 120_000);

  it('speechkd release packages the teachers; a run given them (--speechTeacher/--textTeacher) trains no teacher and leads its report with the answer', async () => {
    const base = { runsDir: path.join(root, 'runs'), dataDir: path.join(root, 'data'), backend: 'wasm' };
    const out = path.join(root, 'models');
    const lines: string[] = [];
    const rel = await releaseTeachers(resolvePipelineConfig('micro', { ...base, ablations: 'true', jobs: '2', cores: '4' }), { out, check: 3, commit: 'abc123', command: 'speechkd release (test)', speechName: 'micro-teacher', textName: 'micro-text', log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.includes('reusing result')).length).toBeGreaterThanOrEqual(5); // every teacher stage was trained already
    const speech = readRelease(rel.speech, true)!;
    expect(speech).toMatchObject({ kind: 'speech-teacher', model: { preset: 'test-tiny' }, data: { corpus: 'micro', seed: 1 }, training: { steps: 12, commit: 'abc123' } });
    expect(speech.files.map((f) => [f.path, f.precision])).toEqual([['model.json', 'json'], ['weights.bin', 'float16']]);
    expect(speech.metrics!.test.greedy.wer).toBeGreaterThanOrEqual(0);
    expect(speech.metrics!.dev.lm!.order).toBe(3);
    expect((speech.check.utterances as unknown[]).length).toBe(3);
    expect(speech.training.schedule).toMatch(/^phase 1 \(teacher\): steps 1-8 .*; phase 2 \(teacher-finetune\): steps 9-12 on the train set and the extra speakers;.* SpecAugment on, dropout 0.1/);
    const card = fs.readFileSync(path.join(rel.speech, 'README.md'), 'utf8');
    for (const h of ['## Architecture', '## Data', '## Training', '## Evaluation (these released weights)', '## Files and fingerprint', '## License']) expect(card).toContain(h);
    expect(readRelease(rel.text, true)).toMatchObject({ kind: 'text-tower', validationLoss: expect.any(Number) });
    // A corrupted weight file is caught by its fingerprint.
    const copy = path.join(root, 'corrupt');
    fs.cpSync(rel.speech, copy, { recursive: true });
    fs.appendFileSync(path.join(copy, 'weights.bin'), Buffer.from([0]));
    expect(() => readRelease(copy, true)).toThrow(/weights\.bin: sha256 .* differs/);

    // The same corpus, the released teachers: no teacher stage; the transfer set is labelled by the released teacher.
    const cfg = resolvePipelineConfig('micro', { ...base, name: 'micro-released', speechTeacher: rel.speech, textTeacher: rel.text, teacherFinetuneSteps: '0' });
    const runLog: string[] = [];
    const r = await runPipeline(cfg, { log: (l) => runLog.push(l) });
    const stages = fs.readdirSync(path.join(r.paths.run, 'stages')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(stages).toEqual(['evaluate', 'student-ctc', 'student-kd', 'synth', 'synth-teacher', 'teacher-cache', 'transfer-labels']);
    expect(r.paths.teacherBundle).toBe(rel.speech);
    const md = fs.readFileSync(r.reports.markdown, 'utf8');
    expect(md.split('\n')[2]).toMatch(/^\*\*Distillation (lowered|raised|left) synthetic test WER from [\d.]+% to [\d.]+% \([-+]?[\d.]+%\) with [\d.]+% of the speech teacher's parameters \(decoding (greedy|with the character LM), chosen on dev/);
    expect(md).toMatch(/Speech teacher: the released micro-teacher \([\d.]+ M parameters, 12 steps on the synthetic micro corpus, seed 1, whose dev\/test speakers it never heard.*Text tower: the released micro-text\./);
    expect(md).toMatch(/Stage times: synth \d+ s, synth-teacher \d+ s, transfer-labels \d+ s, teacher-cache \d+ s, student-ctc \d+ s, student-kd \d+ s, evaluate \d+ s; this run \d+ s\./);
    const summary = JSON.parse(fs.readFileSync(r.reports.summary, 'utf8')) as { comparison: Record<string, unknown> };
    expect(summary.comparison).toMatchObject({
      ctcOnlyWer: expect.any(Number), distilledWer: expect.any(Number), relativeChange: expect.any(Number), paramsRatio: expect.any(Number),
      decoding: expect.stringMatching(/^(lm|greedy)$/), wallSeconds: expect.any(Number), stageSeconds: expect.objectContaining({ 'student-kd': expect.any(Number) }),
    });
    // A released teacher is bound to its corpus: another seed would evaluate on speakers it may have heard.
    expect(() => resolvePipelineConfig('micro', { ...base, name: 'x', speechTeacher: rel.speech, textTeacher: rel.text, teacherFinetuneSteps: '0', seed: '2' }))
      .toThrow(/released for the synthetic micro corpus, seed 1 .* but this run synthesizes micro, seed 2/);
  }, 600_000);

  it('refuses to reuse a run directory made with other settings', async () => {
    const cfg = resolvePipelineConfig('micro', { runsDir: path.join(root, 'runs'), dataDir: path.join(root, 'data'), backend: 'wasm', ablations: 'true', studentSteps: '17' });
    await expect(runPipeline(cfg, { log: () => {} })).rejects.toThrow(/made with other settings \(studentSteps: 16 -> 17\)/);
  });

  /** Processes whose parent is `pid` (Linux /proc). */
  const childrenOf = (pid: number): number[] => fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).flatMap((n) => {
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(n)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
  const locks = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('train.lock')) : []);

  it('a job killed with SIGKILL leaves no stage worker behind: each exits with it and releases its training lock', async () => {
    const runDir = path.join(root, 'runs', 'killed');
    const cli = fileURLToPath(new URL('../apps/speechkd/dist/cli.js', import.meta.url));
    const job = spawn(process.execPath, [cli, 'run', '--preset=micro', `--runsDir=${path.join(root, 'runs')}`, `--dataDir=${path.join(root, 'data')}`, '--backend=wasm', '--jobs=2', '--name=killed'],
      { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, SPEECHKD_DEBUG: '' } });
    const exited = new Promise((resolve) => job.once('exit', resolve));
    // Killed while a worker trains (its run folder's train.lock is held); the corpus is reused from the runs above.
    const t0 = Date.now();
    while (locks(runDir).length === 0 && Date.now() - t0 < 180_000) await new Promise((r) => setTimeout(r, 20));
    const workers = childrenOf(job.pid!);
    expect(locks(runDir).length).toBeGreaterThan(0);
    expect(workers.length).toBeGreaterThan(0);
    job.kill('SIGKILL');
    await exited;
    const alive = (): number[] => workers.filter((w) => {
      try {
        const stat = fs.readFileSync(`/proc/${w}/stat`, 'utf8');
        return stat[stat.lastIndexOf(')') + 2] !== 'Z'; // a zombie has exited (its reaper is init)
      } catch {
        return false;
      }
    });
    const t1 = Date.now();
    while (alive().length > 0 && Date.now() - t1 < 20_000) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toEqual([]);
    expect(locks(runDir)).toEqual([]);
  }, 240_000);
});
