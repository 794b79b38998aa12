import fs from 'node:fs';
import { readManifest } from '@speechkd/librispeech';
import { MODEL_DTYPE_SUFFIXES, parseModelDtype } from '@speechkd/onnx-graph';
import { isHubId } from '@speechkd/onnx-graph/hub';
import { SettingsCheck } from '@speechkd/safe-io';
import { resolveShard } from '../cache/partition.js';

/** The raw `speechkd-cache build` flags the check reads (node:util parseArgs values). */
export interface RawBuildFlags {
  manifest?: string;
  out?: string;
  'speech-teacher'?: string;
  'text-teacher'?: string;
  shard?: string;
  dtype?: string;
  'chunk-utterances'?: string;
  limit?: string;
  threads?: string;
  'model-dtype'?: string;
  'text-model-dtype'?: string;
  'logits-top-k'?: string;
  pool?: string;
  project?: string;
  'project-seed'?: string;
  'shard-count'?: string;
  'slurm-array'?: string;
  'heartbeat-seconds'?: string;
}

/**
 * A `--*-teacher` value names a folder that exists (`DIR`, `onnx:DIR`) or a hub id (`owner/name`,
 * `hf:owner/name`); the teacher itself is loaded (and its layers checked) by the build.
 */
function teacherSource(s: SettingsCheck, flag: string, value: string | undefined): void {
  if (value === undefined) return;
  const hf = value.startsWith('hf:');
  const source = value.startsWith('onnx:') ? value.slice(5) : hf ? value.slice(3) : value;
  if (!source) s.add(flag, `"${value}": give a folder or a hub id (DIR, onnx:DIR, owner/name or hf:owner/name)`);
  else if (!(!hf && fs.existsSync(source)) && !isHubId(source)) s.add(flag, `${source}: no such folder, and not a hub id (owner/name)`);
}

/**
 * Checks every `speechkd-cache build` setting before a teacher is loaded or anything is written, and
 * reports all problems in one `SettingsError` (exit code 2): the manifest exists and parses, `--out` can
 * be a folder (not a file, a writable disk with space), the shard (`i/N`, or a Slurm / Kubernetes one),
 * the storage options, counts and model dtypes are valid, and each teacher names a folder or a hub id.
 * Creates `--out` only when all is well.
 */
export async function checkBuildFlags(v: RawBuildFlags): Promise<void> {
  const s = new SettingsCheck();
  const manifest = s.required('--manifest', v.manifest, 'a manifest .jsonl');
  if (manifest !== undefined) await s.attempt('--manifest', () => readManifest(manifest));
  s.outputDir('--out', v.out, { required: true });
  if (v['speech-teacher'] === undefined && v['text-teacher'] === undefined) s.add('--speech-teacher', 'give --speech-teacher and/or --text-teacher');
  teacherSource(s, '--speech-teacher', v['speech-teacher']);
  teacherSource(s, '--text-teacher', v['text-teacher']);
  const shardCount = s.int('--shard-count', v['shard-count'], { min: 1 });
  if (v.shard !== undefined) await s.attempt('--shard', () => resolveShard(v.shard!, process.env, { count: shardCount, slurmArray: v['slurm-array'] }));
  if (v.dtype !== undefined && !['float16', 'float32', 'int8'].includes(v.dtype)) {
    const hint = v.dtype in MODEL_DTYPE_SUFFIXES ? `; --dtype is the cache's storage type: pick the ONNX variant with --model-dtype ${v.dtype}` : '';
    s.add('--dtype', `must be one of float16, float32, int8 (got "${v.dtype}")${hint}`);
  }
  for (const flag of ['chunk-utterances', 'limit', 'threads', 'pool', 'heartbeat-seconds'] as const) s.int(`--${flag}`, v[flag], { min: 1 });
  for (const flag of ['logits-top-k', 'project', 'project-seed'] as const) s.int(`--${flag}`, v[flag], { min: 0 });
  for (const flag of ['model-dtype', 'text-model-dtype'] as const) {
    if (v[flag] !== undefined) await s.attempt(`--${flag}`, () => parseModelDtype(v[flag]!, `--${flag}`));
  }
  s.done();
}
