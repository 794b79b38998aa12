#!/usr/bin/env node
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runMain, SettingsCheck, writeFileAtomic } from '@speechkd/safe-io';
import { exposeIntermediateOutputs, listLayerOutputs, listNodeOutputs } from './expose.js';
import { OnnxGraphError } from './proto.js';

const USAGE = `usage: speechkd-onnx-expose MODEL.onnx [-o OUT.onnx] [--layers] [--match REGEX] [--name TENSOR ...]
       speechkd-onnx-expose MODEL.onnx --list | --list-all

Rewrites an ONNX model so intermediate tensors become graph outputs.
  --layers          each encoder layer's output (/encoder/layer.N/, /encoder/layers.N/ scopes); the default
  --hidden-states   the first layer's input (embeddings) plus every layer's output (HF hidden_states)
  --scope REGEX     custom layer scope pattern for --layers (group 1: scope, group 2: layer index)
  --match REGEX     every node output whose name matches
  --name TENSOR     an exact tensor name (repeatable)
  -o, --out FILE    where to write the rewritten model (default: MODEL.layers.onnx)
  --list            print the layer outputs --layers would expose, and exit
  --list-all        print every node output (tensor, op, node), and exit
  --debug           stack traces on errors (also SPEECHKD_DEBUG=1)
Every setting and the output file are checked before the model is read: a wrong command line exits 2
listing every problem, a failure while working exits 1.`;

/** A regular expression from a flag, or a problem recorded when it does not compile. */
function regex(s: SettingsCheck, flag: string, source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (err) {
    s.add(flag, `not a valid regular expression (${(err as Error).message})`);
    return undefined;
  }
}

async function expose(argv: string[], log: (line: string) => void): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' }, layers: { type: 'boolean' }, 'hidden-states': { type: 'boolean' }, scope: { type: 'string' },
      match: { type: 'string' }, name: { type: 'string', multiple: true }, list: { type: 'boolean' },
      'list-all': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    log(USAGE);
    return 0;
  }
  // Every setting is checked before the model is read or anything is written.
  const s = new SettingsCheck();
  if (positionals.length !== 1) s.add('MODEL.onnx', `give exactly one model file (got ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''})`);
  const input = s.input('MODEL.onnx', positionals.length === 1 ? positionals[0] : undefined);
  const scope = regex(s, '--scope', v.scope);
  const match = regex(s, '--match', v.match);
  const listing = v.list || v['list-all'];
  s.check('--list-all', !(v.list && v['list-all']), 'give --list or --list-all, not both');
  if (listing) {
    for (const [flag, on] of [['--out', v.out !== undefined], ['--layers', v.layers], ['--hidden-states', v['hidden-states']], ['--match', v.match !== undefined], ['--name', Boolean(v.name?.length)]] as const) {
      s.check(flag, !on, `writes a model; it has no effect with ${v.list ? '--list' : '--list-all'}`);
    }
  }
  const useLayers = v.layers || (!v.match && !v.name?.length && !v['hidden-states']);
  s.check('--scope', v.scope === undefined || Boolean(useLayers || v['hidden-states'] || v.list), 'applies to --layers, --hidden-states or --list only');
  // The rewritten model is at least as large as the input: that much free space is needed.
  const out = listing || !input ? undefined : s.outputFile('--out', v.out ?? input.replace(/(\.onnx)?$/, '.layers.onnx'), { needBytes: statSync(input).size });
  s.done();
  const bytes = new Uint8Array(await readFile(input!).catch((err: Error) => {
    throw new OnnxGraphError(`${input}: cannot read model (${err.message})`);
  }));
  try {
    return rewrite(bytes, out, { ...v, scope, match, useLayers }, log);
  } catch (err) {
    // The graph code names the model generically; the user needs the file.
    if (err instanceof OnnxGraphError && !err.message.startsWith(input!)) throw new OnnxGraphError(`${input}: ${err.message}`);
    throw err;
  }
}

/** Lists or rewrites the parsed model (the work after every setting was checked). */
function rewrite(
  bytes: Uint8Array, out: string | undefined,
  v: { list?: boolean; 'list-all'?: boolean; 'hidden-states'?: boolean; name?: string[]; scope?: RegExp; match?: RegExp; useLayers: boolean },
  log: (line: string) => void,
): number {
  const { scope, match, useLayers } = v;
  if (v['list-all']) {
    for (const o of listNodeOutputs(bytes)) log(`${o.tensor}\t${o.opType}\t${o.node}`);
    return 0;
  }
  if (v.list) {
    for (const l of listLayerOutputs(bytes, scope)) log(`${l.layer}\t${l.tensor}`);
    return 0;
  }
  const result = exposeIntermediateOutputs(bytes, {
    layers: useLayers || v['hidden-states'] ? (scope ?? true) : false, hiddenStates: v['hidden-states'], match, names: v.name,
  });
  writeFileAtomic(out!, result.model, { flag: '--out' });
  log(`${out}: ${result.exposed.length} exposed outputs (${result.added.length} added)`);
  for (const name of result.exposed) log(`  ${name}`);
  return 0;
}

/** Runs the CLI with `argv` (without node and script) under the speechkd error convention; returns the exit code. */
export function main(argv: string[], log: (line: string) => void = console.log, write?: (text: string) => void): Promise<number> {
  return runMain('speechkd-onnx-expose', (args) => expose(args, log), argv, { usage: USAGE, write });
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
