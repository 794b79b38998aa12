// Shards on the engines users run: N real processes that learn their shard from the Slurm job-array or
// Kubernetes Indexed-Job variables (started the way those engines start them: the shipped sbatch script run
// by bash, the Job's container command with its environment), a merge, and the result compared byte for
// byte with a one-process build. Real ONNX teachers (the small Wav2Vec2ForCTC and BERT exports) on the
// real LibriSpeech sample.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LIBRISPEECH_SAMPLE_ROOT, compiledCli, hfExportDir } from '@speechkd/fixtures';
import { buildManifest, writeManifest } from '@speechkd/librispeech';
import { expandSlurmArray, resolveShard, shardOfId } from '../src/index.js';
import { expectSameTree } from './same-tree.js';

const CLI = compiledCli(path.join(import.meta.dirname, '..'));
const REPO = path.resolve(import.meta.dirname, '../../..');
const SPEECH = `onnx:${hfExportDir('wav2vec2-ctc', 14)}`;
const TEXT = `onnx:${hfExportDir('bert-uncased', 14)}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-shards-'));
const manifest = path.join(root, 'manifest.jsonl');
let ids: string[] = [];
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const entries = [];
  for (const subset of ['dev-clean', 'test-clean', 'test-other']) entries.push(...(await buildManifest(LIBRISPEECH_SAMPLE_ROOT, subset)).entries);
  writeManifest(manifest, entries);
  ids = entries.map((e) => e.id);
});

/** A process's environment without any scheduler variables of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SLURM_') && k !== 'JOB_COMPLETION_INDEX') env[k] = v;
  return { ...env, ...extra };
}

const exec = (file: string, args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(file, args, { env: cleanEnv(env), maxBuffer: 1 << 24, cwd: REPO });

/** The Job's container: its command and args with the container env's `$(VAR)` references expanded as Kubernetes does. */
function jobContainer(file: string, overrides: Record<string, string>): { argv: string[]; env: Record<string, string> } {
  const job = parseYaml(fs.readFileSync(file, 'utf8')) as {
    spec: { completions?: number; template: { spec: { containers: Array<{ command: string[]; args: string[]; env: Array<{ name: string; value: string }> }> } } };
  };
  const c = job.spec.template.spec.containers[0];
  const env: Record<string, string> = { ...Object.fromEntries(c.env.map((e) => [e.name, e.value])), ...overrides };
  const argv = [...c.command, ...c.args].map((a) => a.replace(/\$\((\w+)\)/g, (_, v: string) => env[v] ?? `$(${v})`));
  return { argv, env };
}

// Settings both tests share with the one-process reference build (small layers, int8 storage, commits every 4 utterances).
const FLAGS = ['--layers', '1,2', '--text-layers', 'last', '--dtype', 'int8', '--chunk-utterances', '4'];

describe('shard index from the scheduler', () => {
  it('Slurm: the task\'s position among the array ids, contiguous, stepped or (with its --array list) sparse', () => {
    const slurm = (id: number, min: number, max: number, count: number, step = 1) => ({
      SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_COUNT: String(count), SLURM_ARRAY_TASK_STEP: String(step),
    });
    expect(resolveShard('slurm', slurm(3, 0, 7, 8))).toMatchObject({ index: 3, count: 8 });
    expect(resolveShard('slurm', slurm(9, 1, 13, 4, 4))).toMatchObject({ index: 2, count: 4, source: 'Slurm array task 9 (position 2 of 4)' }); // --array=1-13:4
    // --array=1,3,7-9: Slurm says step 1, 5 tasks, ids 1..9; the id list is needed.
    expect(() => resolveShard('slurm', slurm(7, 1, 9, 5))).toThrow(/the array is sparse .*--slurm-array/);
    expect(resolveShard('slurm', slurm(7, 1, 9, 5), { slurmArray: '1,3,7-9' })).toMatchObject({ index: 2, count: 5 });
    expect(() => resolveShard('slurm', slurm(7, 1, 9, 5), { slurmArray: '1,3,7-10' })).toThrow(/is not this job's array: SLURM_ARRAY_TASK_COUNT=5 but it lists 6 ids/);
    expect(expandSlurmArray('0-15:4%2')).toEqual([0, 4, 8, 12]);
    expect(() => resolveShard('slurm', {})).toThrow(/SLURM_ARRAY_TASK_ID is not set/);
    expect(() => resolveShard('auto', {})).toThrow(/neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
  });

  it('Kubernetes: JOB_COMPLETION_INDEX of the count passed in', () => {
    expect(resolveShard('k8s', { JOB_COMPLETION_INDEX: '2' }, { count: 4 })).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard('auto', { JOB_COMPLETION_INDEX: '1', SPEECHKD_SHARD_COUNT: '3' })).toMatchObject({ index: 1, count: 3 });
    expect(() => resolveShard('k8s', { JOB_COMPLETION_INDEX: '2' })).toThrow(/Kubernetes gives no shard count; pass --shard-count/);
    expect(() => resolveShard('k8s', { JOB_COMPLETION_INDEX: '4' }, { count: 4 })).toThrow(/outside 0\.\.3/);
  });
});

describe('sharded cache builds in separate processes', () => {
  const single = path.join(root, 'single');

  beforeAll(async () => {
    await exec(process.execPath, [CLI, 'build', '--manifest', manifest, '--out', single, '--speech-teacher', SPEECH, '--text-teacher', TEXT, ...FLAGS, '--threads', '1']);
  }, 120_000);

  it('deploy/slurm/cache.sbatch as a job array (--array=1-5:2): three tasks, then its merge, equal the one-process cache byte for byte', async () => {
    const out = path.join(root, 'slurm');
    const script = path.join(REPO, 'deploy/slurm/cache.sbatch');
    const common = { MANIFEST: manifest, OUT: out, SPEECH_TEACHER: SPEECH, TEXT_TEACHER: TEXT, CACHE_FLAGS: FLAGS.join(' '), SPEECHKD_ROOT: REPO, SLURM_CPUS_PER_TASK: '1' };
    const task = (id: number) => ({
      ...common, SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '5', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '3',
    });
    const results = await Promise.all([1, 3, 5].map((id) => exec('bash', [script], task(id))));
    results.forEach((r, i) => expect(r.stderr).toContain(`shard ${i}/3 (Slurm array task ${2 * i + 1} (position ${i} of 3))`));
    expect(fs.readdirSync(out).sort()).toEqual(['cache.json', 'shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3']);
    for (let i = 0; i < 3; i++) expect(results[i].stderr).toContain(`${ids.filter((id) => shardOfId(id, 3) === i).length} computed`);
    const merged = await exec('bash', [script, 'merge'], common);
    expect(merged.stderr).toMatch(new RegExp(`merged into data-1: ${ids.length} utterances`));
    expectSameTree(out, single);
  }, 120_000);

  it('deploy/k8s/cache-job.yaml\'s pods (2 completions) with a replacement pod overlapping the old one, then the merge Job: equal too', async () => {
    const out = path.join(root, 'k8s');
    const overrides = { MANIFEST: manifest, OUT: out, SPEECH_TEACHER: SPEECH, TEXT_TEACHER: TEXT, SPEECHKD_SHARD_COUNT: '2' };
    const job = jobContainer(path.join(REPO, 'deploy/k8s/cache-job.yaml'), overrides);
    expect(job.argv.slice(0, 2)).toEqual(['node', 'packages/teachers/bin/speechkd-cache.js']);
    expect(job.argv).toEqual(expect.arrayContaining(['--shard', 'k8s', '--shard-count', '2']));
    // The Job's own teacher settings are for wav2vec2-base; the small test teacher takes the shared FLAGS instead.
    const argv = () => [...job.argv.slice(1, job.argv.indexOf('--layers')), '--shard', 'k8s', '--shard-count', '2', ...FLAGS, '--threads', '1', '--heartbeat-seconds', '1'];
    const podEnv = (index: number) => cleanEnv({ ...job.env, JOB_COMPLETION_INDEX: String(index) });
    const p0 = exec(process.execPath, argv(), { ...job.env, JOB_COMPLETION_INDEX: '0' });
    // Pod 1 takes its shard's lock, then its node stops answering (SIGSTOP: the process lives, its heartbeat
    // stands still). Kubernetes starts a replacement with the same index beside it.
    const old = spawn(process.execPath, argv(), { env: podEnv(1), cwd: REPO });
    let oldErr = '';
    old.stderr.on('data', (d: Buffer) => void (oldErr += d.toString()));
    const oldDone = new Promise<number | null>((resolve) => old.on('close', resolve));
    const lock = path.join(out, 'shard-1-of-2', 'LOCK');
    while (!fs.existsSync(lock)) await new Promise((r) => setTimeout(r, 10));
    old.kill('SIGSTOP');
    const t0 = Date.now();
    const fresh = await exec(process.execPath, argv(), { ...job.env, JOB_COMPLETION_INDEX: '1' });
    // It waited while the old lock's heartbeat stood still (6 beats of 1 s), then took over and did the shard.
    expect(fresh.stderr).toMatch(/is being written by writer .*waiting/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5000);
    expect(fresh.stderr).toMatch(/ 0 already cached, \d+ computed/);
    // The old pod comes back and finishes too; its files carry its own writer id, nothing collides.
    old.kill('SIGCONT');
    expect(await oldDone).toBe(0);
    expect(oldErr).toMatch(/another writer took over this shard's lock/);
    expect((await p0).stderr).toContain('Kubernetes completion index 0 of 2');
    const merge = jobContainer(path.join(REPO, 'deploy/k8s/cache-merge-job.yaml'), { MANIFEST: manifest, OUT: out });
    await exec(process.execPath, merge.argv.slice(1), merge.env);
    expectSameTree(out, single);
  }, 120_000);
});
