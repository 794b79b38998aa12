import { OnnxGraphError } from './proto.js';

/** What a runtime reports for one output tensor (onnxruntime's `Tensor` has these fields). */
export interface TensorLike {
  type: string;
  dims: readonly number[];
}

/** Float element types a hidden state may have at run time. */
const FLOAT_TYPES = new Set(['float32', 'float16', 'float64', 'bfloat16']);

/**
 * Checks run-time outputs that should be hidden states: each `[batch, time, dim]` with a float type,
 * the same batch, time and dim for all of them. Returns `{ frames, dim }`; throws `OnnxGraphError`
 * naming `where` and the offending tensor otherwise (a structurally wrong pick, such as a quantizer's
 * scalar scale, fails here instead of producing NaN-sized teachers).
 */
export function checkHiddenStates(outputs: ReadonlyArray<[name: string, tensor: TensorLike]>, batch: number, where: string): { frames: number; dim: number } {
  let frames = -1;
  let dim = -1;
  for (const [name, t] of outputs) {
    const shape = `[${t.dims.join(', ')}]`;
    if (!FLOAT_TYPES.has(t.type) || t.dims.length !== 3 || t.dims[0] !== batch) {
      throw new OnnxGraphError(`${where}: hidden state "${name}" is ${t.type} ${shape}; expected float [${batch}, time, dim]`);
    }
    if (frames < 0) [frames, dim] = [t.dims[1], t.dims[2]];
    if (t.dims[1] !== frames || t.dims[2] !== dim) {
      throw new OnnxGraphError(`${where}: hidden state "${name}" is ${shape} but the first one is [${batch}, ${frames}, ${dim}]; every layer must have the same time and dim`);
    }
  }
  return { frames, dim };
}
