import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { assertDims, biasVariable, dense, kernelVariable } from '../dense.js';

/** A learnable linear head mapping student features to the teacher's width. The caller owns its variables. */
export interface Projector {
  /** Input width (the student's dim). */
  readonly inDim: number;
  /** Output width (the teacher's dim). */
  readonly outDim: number;
  /** Weight [inDim, outDim]. */
  readonly kernel: Variable;
  /** Bias [outDim], or null when created with `bias: false`. */
  readonly bias: Variable | null;
  /** All trainable variables (pass them to an optimizer's varList, save them with a checkpoint). */
  readonly variables: Variable[];
  /** x [..., inDim] → [..., outDim]. */
  apply(x: Tensor): Tensor;
  /** Frees the variables. */
  dispose(): void;
}

/** Options for `createProjector`. */
export interface ProjectorOptions {
  /** Seed of the Glorot-uniform kernel init (default 0). */
  seed?: number;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Variable name prefix (must be unique among live tfjs variables); default: tfjs picks unique names. */
  name?: string;
}

/**
 * Creates a linear projection head studentDim → teacherDim (Glorot-uniform kernel, zero bias, seeded),
 * as used to predict teacher layers from student layers (FitNets, DistilHuBERT prediction heads).
 */
export function createProjector(studentDim: number, teacherDim: number, options: ProjectorOptions = {}): Projector {
  const op = 'createProjector';
  assertDims(op, { studentDim, teacherDim });
  const kernel = kernelVariable(studentDim, teacherDim, options.seed ?? 0, options.name && `${options.name}/kernel`);
  const bias = options.bias === false ? null : biasVariable(teacherDim, options.name && `${options.name}/bias`);
  const variables = bias ? [kernel, bias] : [kernel];
  return {
    inDim: studentDim,
    outDim: teacherDim,
    kernel,
    bias,
    variables,
    apply: (x: Tensor) => dense('Projector.apply', 'x', x, kernel, bias),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
