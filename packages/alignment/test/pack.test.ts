// SLOW (~20-30 s): reuse outside the monorepo. Builds and packs @speechkd/alignment, installs the
// tarball with only @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu into a scratch project in
// the OS temp dir (outside the workspace; offline from the npm cache, registry as fallback) and
// computes a loss there with plain Node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { golden } from './helpers.js';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(pkgDir, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'speechkd-alignment-pack-'));

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });
}

describe('reuse outside the monorepo (npm pack + scratch install; slow)', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('packs, installs with only tfjs-core + cpu backend, and computes kdLoss in plain Node', () => {
    expect(scratch.startsWith(repoRoot)).toBe(false);
    run('npx', ['tsc', '-b', pkgDir], repoRoot);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], pkgDir))[0];
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('README.md');
    expect(files.some((f) => f.endsWith('.test.ts') || f.startsWith('dist/bench') || f.startsWith('test/'))).toBe(false);

    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    const deps = [`./${packed.filename}`, '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0'];
    try {
      run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...deps], scratch);
    } catch {
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...deps], scratch);
    }
    const installed = JSON.parse(readFileSync(join(scratch, 'node_modules/@speechkd/alignment/package.json'), 'utf8'));
    expect(Object.keys(installed.dependencies ?? {})).toEqual([]);
    expect(Object.keys(installed.peerDependencies)).toEqual(['@tensorflow/tfjs-core']);

    const g = golden.kd;
    writeFileSync(
      join(scratch, 'main.js'),
      `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { kdLoss, lengthsToMask, AlignmentError } from '@speechkd/alignment';
await tf.setBackend('cpu');
const teacher = tf.tensor(${JSON.stringify(g.teacher)});
const student = tf.tensor(${JSON.stringify(g.student)});
const mask = lengthsToMask([5, 3], 5);
const loss = kdLoss(teacher, student, { temperature: 3, mask });
let error = '';
try { kdLoss(teacher, tf.zeros([2, 5, 8])); } catch (e) { error = (e instanceof AlignmentError) + ' ' + e.message; }
console.log(JSON.stringify({ backend: tf.getBackend(), loss: loss.dataSync()[0], error }));
`,
    );
    const out = JSON.parse(run('node', ['main.js'], scratch).trim().split('\n').pop()!);
    expect(out.backend).toBe('cpu');
    expect(Math.abs(out.loss - g.byT['3.0'].mean)).toBeLessThan(1e-5);
    expect(out.error).toBe("true kdLoss: argument 'teacherLogits' has shape [2,5,7] but 'studentLogits' has [2,5,8]");
  }, 180_000);

  it('runs every README example against the installed tarball', () => {
    const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    // One Node process imports the examples in order (process start-up dominates on a busy machine).
    blocks.forEach((code, i) => writeFileSync(join(scratch, `example-${i}.mjs`), code));
    const runner = blocks.map((_, i) => `console.log('=== example ${i}'); await import('./example-${i}.mjs');`).join('\n');
    writeFileSync(join(scratch, 'examples.mjs'), runner);
    let out = '';
    try {
      out = run('node', ['examples.mjs'], scratch);
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`a README example failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    }
    const sections = out.split(/^=== example \d+$/m).slice(1);
    expect(sections.length).toBe(blocks.length);
    sections.forEach((text, i) => expect(text.trim().length, `README example ${i} printed nothing`).toBeGreaterThan(0));
    expect(out).not.toMatch(/NaN/);
  }, 180_000);
});
