import fs from 'node:fs';
import path from 'node:path';
import type { onnx as OnnxNs } from 'onnx-proto';
import { OnnxGraphError } from './proto.js';

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/**
 * The external-data files a graph's initializers point to (large exports keep their weights in
 * `model.onnx_data` beside the graph), read from the model file's folder, in the form onnxruntime-node's
 * `externalData` session option takes when the model itself is given as bytes. Empty for ordinary models.
 */
export function readExternalData(graph: OnnxNs.IGraphProto, modelFile: string): Array<{ path: string; data: Uint8Array }> {
  const locations = new Set<string>();
  for (const init of graph.initializer ?? []) {
    if (init.dataLocation !== EXTERNAL) continue;
    const loc = (init.externalData ?? []).find((e) => e.key === 'location')?.value;
    if (loc) locations.add(loc);
  }
  return [...locations].map((loc) => {
    const file = path.join(path.dirname(modelFile), loc);
    if (path.relative(path.dirname(modelFile), file).startsWith('..')) throw new OnnxGraphError(`${modelFile}: external data location "${loc}" points outside the model's folder`);
    if (!fs.existsSync(file)) throw new OnnxGraphError(`${modelFile}: its weights are in ${loc}, which is missing beside it; download that file too`);
    return { path: loc, data: new Uint8Array(fs.readFileSync(file)) };
  });
}
