#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runBuild, runIndex, runInfo, runMerge, runVerify } from './cli/commands.js';
import { checkBuildFlags } from './cli/check-flags.js';
import { runCli, UsageError } from '@speechkd/safe-io';
import { CacheChecksumError, TeachersError } from './errors.js';

const USAGE = `usage:
  speechkd-cache build --manifest FILE --out DIR [--speech-teacher SRC] [--text-teacher SRC]
                       [--layers 4,8,12|all|last] [--text-layers ...] [--dtype float16|float32|int8]
                       [--logits-top-k K] [--pool F] [--project D [--project-seed S]] [--no-logits]
                       [--shard i/N|slurm|k8s|auto] [--shard-count N] [--slurm-array SPEC] [--heartbeat-seconds 10]
                       [--chunk-utterances 64] [--limit N] [--threads N]
                       [--model-dtype fp32|fp16|q8|int8|uint8|q4|...] [--text-model-dtype ...] [--revision REV] [--text-revision REV]
      SRC: DIR (in-project checkpoint), onnx:DIR (ONNX export folder) or a hub id owner/name (hf:owner/name),
      downloaded into the Hugging Face cache (HF_HOME, HF_HUB_CACHE, HF_ENDPOINT; HF_HUB_OFFLINE=1: cache only).
      --model-dtype picks the ONNX variant file as transformers.js does (q8 = onnx/model_quantized.onnx);
      --dtype is the cache's storage type of hidden states (int8: one scale per frame); --logits-top-k keeps the K
      most likely classes per frame; --pool averages F teacher frames; --project D: fixed random projection.
      --shard slurm: the job array task's position (sparse arrays: --slurm-array with the --array value);
      --shard k8s: JOB_COMPLETION_INDEX of --shard-count (the Indexed Job's completions); auto: whichever is set.
  speechkd-cache merge  --dir DIR [--manifest FILE] [--allow-missing]   every shard's records into the canonical
                        layout (sorted, data-<n>/): N shards merged equal a one-process build byte for byte
  speechkd-cache index  --dir DIR [--manifest FILE]   merge the shard indexes only, no copy (check coverage of FILE)
  speechkd-cache verify --dir DIR                     read every record and check its CRC32
  speechkd-cache info   --dir DIR                     header, size per hour of audio`;

const OPTIONS = {
  manifest: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' },
  'speech-teacher': { type: 'string' }, 'text-teacher': { type: 'string' },
  layers: { type: 'string' }, 'text-layers': { type: 'string' }, shard: { type: 'string' }, dtype: { type: 'string' },
  'no-logits': { type: 'boolean' }, 'chunk-utterances': { type: 'string' }, limit: { type: 'string' }, threads: { type: 'string' },
  'logits-top-k': { type: 'string' }, pool: { type: 'string' }, project: { type: 'string' }, 'project-seed': { type: 'string' },
  'shard-count': { type: 'string' }, 'slurm-array': { type: 'string' }, 'heartbeat-seconds': { type: 'string' }, 'allow-missing': { type: 'boolean' },
  'model-dtype': { type: 'string' }, 'text-model-dtype': { type: 'string' }, revision: { type: 'string' }, 'text-revision': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function int(flag: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new TeachersError(`--${flag} "${v}": expected an integer >= ${min}`);
  return n;
}

function need(flag: string, v: string | undefined): string {
  if (!v) throw new UsageError(`--${flag} is required`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const cmd = positionals[0];
  if (v.help || !cmd) {
    process.stdout.write(`${USAGE}\n`);
    return v.help ? 0 : 2;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  switch (cmd) {
    case 'build':
      await checkBuildFlags(v); // every setting, before a teacher is loaded or --out is written
      await runBuild({
        manifest: need('manifest', v.manifest), out: need('out', v.out), speechTeacher: v['speech-teacher'], textTeacher: v['text-teacher'],
        layers: v.layers ?? 'last', textLayers: v['text-layers'] ?? 'last', shard: v.shard ?? '0/1', dtype: v.dtype ?? 'float16',
        shardCount: int('shard-count', v['shard-count']), slurmArray: v['slurm-array'], heartbeatSeconds: int('heartbeat-seconds', v['heartbeat-seconds']),
        logitsTopK: int('logits-top-k', v['logits-top-k'], 0), pool: int('pool', v.pool), project: int('project', v.project, 0), projectSeed: int('project-seed', v['project-seed'], 0),
        logits: !v['no-logits'], chunkUtterances: int('chunk-utterances', v['chunk-utterances']) ?? 64,
        limit: int('limit', v.limit), threads: int('threads', v.threads),
        modelDtype: v['model-dtype'], textModelDtype: v['text-model-dtype'], revision: v.revision, textRevision: v['text-revision'],
      }, log);
      return 0;
    case 'merge':
      return runMerge(need('dir', v.dir), v.manifest, { allowMissing: !!v['allow-missing'], chunkUtterances: int('chunk-utterances', v['chunk-utterances']) ?? 64 }, log);
    case 'index':
      return runIndex(need('dir', v.dir), v.manifest, log);
    case 'verify': {
      const bad = await runVerify(need('dir', v.dir), log);
      if (bad) throw new CacheChecksumError(`${v.dir}: ${bad} record(s) are damaged (listed above: checksum mismatch or truncated file); delete each chunk named there and its .index.jsonl, then rerun \`speechkd-cache build\` to recompute them`);
      return 0;
    }
    case 'info':
      await runInfo(need('dir', v.dir), log);
      return 0;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

// One message and a non-zero exit code for every error; a stack trace only with --debug or SPEECHKD_DEBUG=1.
// The process exits at once (onnxruntime's threads would keep it alive).
runCli('speechkd-cache', main, { forceExit: true, usage: USAGE });
