import { createHash } from 'node:crypto';
import { TeachersArgumentError } from '../errors.js';

/** One machine's part of a corpus: utterances whose id hashes to `index` modulo `count`. */
export interface ShardSpec {
  /** Zero-based shard index, `0 <= index < count`. */
  index: number;
  /** Number of shards the corpus is split into. */
  count: number;
}

/** Parses `i/N` (zero-based `i`), e.g. `--shard 2/8`. */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new TeachersArgumentError(`--shard "${text}": expected i/N with 0 <= i < N (e.g. 0/4), slurm, k8s or auto`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) {
    throw new TeachersArgumentError(`--shard "${text}": index ${index} is outside 0..${count - 1}; shards are numbered from 0`);
  }
  return { index, count };
}

/** Deterministic shard of an utterance id: first 4 bytes of sha1(id) modulo `count` (same on every machine). */
export function shardOfId(id: string, count: number): number {
  if (count === 1) return 0;
  return createHash('sha1').update(id).digest().readUInt32BE(0) % count;
}

/** Folder name of a shard inside the cache directory, e.g. `shard-2-of-8`. */
export function shardDirName(spec: ShardSpec): string {
  return `shard-${spec.index}-of-${spec.count}`;
}

/** A shard and where its index came from (for the log). */
export interface ResolvedShard extends ShardSpec {
  /** e.g. `--shard 2/8`, `Slurm array task 7 (position 2 of 8)`, `Kubernetes completion index 2 of 8`. */
  source: string;
}

/** Expands a Slurm `--array` value (`0-15`, `0-15:4`, `1,3,7-9`, `0-31%4`) into its sorted task ids. */
export function expandSlurmArray(spec: string): number[] {
  const ids = new Set<number>();
  const body = spec.split('%')[0];
  for (const part of body.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new TeachersArgumentError(`--slurm-array "${spec}": "${part}" is not N, N-M or N-M:S (Slurm's --array syntax)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (to < from || step < 1) throw new TeachersArgumentError(`--slurm-array "${spec}": "${part}" is an empty range`);
    for (let i = from; i <= to; i += step) ids.add(i);
  }
  if (!ids.size) throw new TeachersArgumentError(`--slurm-array "${spec}": no task ids`);
  return [...ids].sort((a, b) => a - b);
}

function envInt(env: NodeJS.ProcessEnv, name: string, required: boolean): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') {
    if (required) throw new TeachersArgumentError(`--shard: ${name} is not set`);
    return undefined;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new TeachersArgumentError(`--shard: ${name}="${v}" is not a non-negative integer`);
  return n;
}

/**
 * This task's shard from a Slurm job array: its position among the array's task ids. Slurm gives the id
 * (`SLURM_ARRAY_TASK_ID`), `_MIN`, `_MAX`, `_COUNT` and `_STEP` (the step after the first `:` of `--array`, else 1);
 * a contiguous or stepped array is known from those, a sparse one (`--array=1,3,7-9`) needs its id list
 * (`slurmArray`, the `--array` value), checked against them.
 */
export function slurmShard(env: NodeJS.ProcessEnv, slurmArray?: string): ResolvedShard {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID', true)!;
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN', false);
  const max = envInt(env, 'SLURM_ARRAY_TASK_MAX', false);
  const step = envInt(env, 'SLURM_ARRAY_TASK_STEP', false) ?? 1;
  const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT', false);
  let ids: number[];
  if (slurmArray) {
    ids = expandSlurmArray(slurmArray);
    const bad = [
      count !== undefined && count !== ids.length && `SLURM_ARRAY_TASK_COUNT=${count} but it lists ${ids.length} ids`,
      min !== undefined && min !== ids[0] && `SLURM_ARRAY_TASK_MIN=${min} but its first id is ${ids[0]}`,
      max !== undefined && max !== ids[ids.length - 1] && `SLURM_ARRAY_TASK_MAX=${max} but its last id is ${ids[ids.length - 1]}`,
    ].filter(Boolean);
    if (bad.length) throw new TeachersArgumentError(`--slurm-array "${slurmArray}" is not this job's array: ${bad.join('; ')}`);
  } else {
    if (min === undefined || (count === undefined && max === undefined)) {
      throw new TeachersArgumentError('--shard slurm: SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT (or _MAX) are not set; is this a job array task (sbatch --array)?');
    }
    const n = count ?? Math.floor((max! - min) / step) + 1;
    if (step < 1 || (max !== undefined && min + step * (n - 1) !== max)) {
      throw new TeachersArgumentError(
        `--shard slurm: the array is sparse (ids ${min}..${max ?? '?'}, ${n} tasks, step ${step}); give its id list with --slurm-array (the value of sbatch --array, e.g. 1,3,7-9)`,
      );
    }
    ids = Array.from({ length: n }, (_, i) => min + i * step);
  }
  const index = ids.indexOf(id);
  if (index < 0) throw new TeachersArgumentError(`--shard slurm: SLURM_ARRAY_TASK_ID=${id} is not among the array's ids ${ids.length > 12 ? `${ids.slice(0, 12).join(',')},...` : ids.join(',')}`);
  return { index, count: ids.length, source: `Slurm array task ${id} (position ${index} of ${ids.length})` };
}

/** This pod's shard in a Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` of `count` (the Job's `completions`; Kubernetes does not pass it). */
export function kubernetesShard(env: NodeJS.ProcessEnv, count: number | undefined): ResolvedShard {
  const index = envInt(env, 'JOB_COMPLETION_INDEX', true)!;
  const n = count ?? envInt(env, 'SPEECHKD_SHARD_COUNT', false);
  if (n === undefined || n < 1) {
    throw new TeachersArgumentError('--shard k8s: Kubernetes gives no shard count; pass --shard-count N (or SPEECHKD_SHARD_COUNT) equal to the Job\'s completions');
  }
  if (index >= n) throw new TeachersArgumentError(`--shard k8s: JOB_COMPLETION_INDEX=${index} is outside 0..${n - 1}; --shard-count must equal the Job's completions`);
  return { index, count: n, source: `Kubernetes completion index ${index} of ${n}` };
}

/**
 * A `--shard` value: `i/N`, `slurm` (a job array task), `k8s` (an Indexed Job pod) or `auto` (whichever of
 * those the environment shows).
 */
export function resolveShard(value: string, env: NodeJS.ProcessEnv = process.env, opts: { count?: number; slurmArray?: string } = {}): ResolvedShard {
  const v = value.trim();
  const kind = v === 'auto' ? (env.SLURM_ARRAY_TASK_ID !== undefined ? 'slurm' : env.JOB_COMPLETION_INDEX !== undefined ? 'k8s' : 'none') : v;
  if (kind === 'slurm') return slurmShard(env, opts.slurmArray);
  if (kind === 'k8s' || kind === 'kubernetes') return kubernetesShard(env, opts.count);
  if (kind === 'none') throw new TeachersArgumentError('--shard auto: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set');
  return { ...parseShardSpec(v), source: `--shard ${v}` };
}
