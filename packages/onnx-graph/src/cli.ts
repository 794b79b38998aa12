#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
  --list-all        print every node output (tensor, op, node), and exit`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' }, layers: { type: 'boolean' }, 'hidden-states': { type: 'boolean' }, scope: { type: 'string' },
        match: { type: 'string' }, name: { type: 'string', multiple: true }, list: { type: 'boolean' },
        'list-all': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`speechkd-onnx-expose: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = args;
  if (v.help) {
    log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`speechkd-onnx-expose: expected exactly one MODEL.onnx, got ${positionals.length}\n${USAGE}`);
    return 2;
  }
  const input = positionals[0];
  try {
    const bytes = new Uint8Array(await readFile(input).catch((err: Error) => {
      throw new OnnxGraphError(`${input}: cannot read model (${err.message})`);
    }));
    const scope = v.scope ? new RegExp(v.scope) : undefined;
    if (v['list-all']) {
      for (const o of listNodeOutputs(bytes)) log(`${o.tensor}\t${o.opType}\t${o.node}`);
      return 0;
    }
    if (v.list) {
      for (const l of listLayerOutputs(bytes, scope)) log(`${l.layer}\t${l.tensor}`);
      return 0;
    }
    const useLayers = v.layers || (!v.match && !v.name?.length && !v['hidden-states']);
    const result = exposeIntermediateOutputs(bytes, {
      layers: useLayers || v['hidden-states'] ? (scope ?? true) : false, hiddenStates: v['hidden-states'], match: v.match ? new RegExp(v.match) : undefined, names: v.name,
    });
    const out = v.out ?? input.replace(/(\.onnx)?$/, '.layers.onnx');
    const tmp = `${out}.tmp-${process.pid}`;
    await writeFile(tmp, result.model);
    await rename(tmp, out);
    log(`${out}: ${result.exposed.length} exposed outputs (${result.added.length} added)`);
    for (const name of result.exposed) log(`  ${name}`);
    return 0;
  } catch (err) {
    if (err instanceof OnnxGraphError || err instanceof SyntaxError) {
      console.error(`speechkd-onnx-expose: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
