import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledCli } from '@speechkd/fixtures';
import { wavBytes } from './harness.js';

// speechkd-train train killed with SIGKILL mid-run, then the same command again: it resumes from the last
// checkpoint (no --resume needed), takes over the dead process's lock, and metrics.jsonl holds each step once.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-train-kill-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const CLI = compiledCli(fileURLToPath(new URL('../../packages/student-trainer', import.meta.url)));

/** Eight 0.6 s tone "utterances" with one- and two-word transcripts. */
function tinyCorpus(): string {
  const texts = ['AB', 'BA', 'AB BA', 'CAB', 'ABC', 'BA AB', 'CAB AB', 'ABC BA'];
  const lines = texts.map((text, i) => {
    fs.writeFileSync(path.join(root, `u${i}.wav`), wavBytes(9600 + 800 * i, 16000));
    return JSON.stringify({ id: `u${i}`, audio: `u${i}.wav`, duration: (9600 + 800 * i) / 16000, speaker: '1', chapter: '1', text });
  });
  fs.writeFileSync(path.join(root, 'train.jsonl'), `${lines.join('\n')}\n`);
  return path.join(root, 'train.jsonl');
}

const STEPS = 40;
const CHECKPOINT_EVERY = 10;

const metrics = (runDir: string) => fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
  .flatMap((l) => {
    try {
      return [JSON.parse(l) as { type: string; step: number }];
    } catch {
      return []; // a line torn by the kill
    }
  });

describe('speechkd-train: kill -9, then the same command', () => {
  it('resumes from the last checkpoint, takes over the lock, and logs each step once', async () => {
    const runDir = path.join(root, 'run');
    const args = [CLI, 'train', `--train=${tinyCorpus()}`, '--model=test-tiny', `--steps=${STEPS}`, `--checkpointEvery=${CHECKPOINT_EVERY}`, '--logEvery=1',
      '--batchFrames=600', '--maxBatch=4', '--warmupSteps=2', '--evalEvery=0', '--backend=wasm', '--workers=1', '--no-progress', `--runDir=${runDir}`];
    const env = { ...process.env, SPEECHKD_DEBUG: '' };
    const first = spawn(process.execPath, args, { stdio: 'ignore', env });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    // Killed once a few steps past the first checkpoint have been logged.
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
      if (fs.existsSync(path.join(runDir, 'metrics.jsonl')) && metrics(runDir).some((m) => m.step >= CHECKPOINT_EVERY + 3)) break;
    }
    first.kill('SIGKILL');
    await exited;
    const logged = Math.max(...metrics(runDir).map((m) => m.step));
    const checkpoints = fs.readdirSync(path.join(runDir, 'checkpoints')).filter((n) => n.startsWith('step-'));
    const lastCheckpoint = Math.max(...checkpoints.map((n) => Number(n.slice(5))));
    expect(logged).toBeGreaterThan(lastCheckpoint); // steps a resume must not log twice
    expect(fs.existsSync(path.join(runDir, 'train.lock'))).toBe(true); // left by the killed process

    const second = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 120_000 });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`taking over the lock train\\.lock of process ${first.pid} since .*: process ${first.pid} is no longer running`));
    expect(second.stderr).toMatch(new RegExp(`resumed from .*step-0*${lastCheckpoint} \\(step ${lastCheckpoint},`));
    expect(JSON.parse(second.stdout.trim())).toMatchObject({ step: STEPS, finished: true });
    const steps = metrics(runDir).filter((m) => m.type === 'train').map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(fs.existsSync(path.join(runDir, 'final', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(runDir, 'train.lock'))).toBe(false);
  }, 180_000);
});
