import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjector, explicitLayerMap, lastKLayerMap, layerMatchLoss, pairKey, uniformLayerMap } from '../index.js';
import type { Projector } from '../index.js';
import { BACKENDS, T, expectClose, expectGradMatches, expectNoLeak, golden, scalar, tf, useBackend } from '../../test/helpers.js';

const g = golden.layers;

describe('layer maps', () => {
  it('uniform spread meets at the last layer', () => {
    expect(uniformLayerMap(4, 12).map(pairKey)).toEqual(['s0->t2', 's1->t5', 's2->t8', 's3->t11']);
    expect(uniformLayerMap(3, 3).map(pairKey)).toEqual(['s0->t0', 's1->t1', 's2->t2']);
  });

  it('last-k pairs the last layers in order', () => {
    expect(lastKLayerMap(6, 12, 2).map(pairKey)).toEqual(['s4->t10', 's5->t11']);
  });

  it('explicit pairs are validated; one student layer may feed several teacher layers', () => {
    expect(explicitLayerMap([[1, 3], [1, 7], [1, 11]], 2, 12).map(pairKey)).toEqual(['s1->t3', 's1->t7', 's1->t11']);
    expect(() => explicitLayerMap([[2, 3]], 2, 12)).toThrow("explicitLayerMap: argument 'pairs' [0] student layer 2 is outside [0, 1]");
    expect(() => explicitLayerMap([[0, 1], [0, 1]], 2, 12)).toThrow(/repeats s0->t1/);
    expect(() => uniformLayerMap(5, 4)).toThrow(/uniformLayerMap: argument 'numStudent' \(5\) must not exceed numTeacher/);
    expect(() => lastKLayerMap(2, 12, 3)).toThrow(/lastKLayerMap: argument 'k'/);
  });
});

describe.each(BACKENDS)('layerMatchLoss [%s]', (backend) => {
  let teacher: tf.Tensor[], student: tf.Tensor[], mask: tf.Tensor, projectors: Record<string, Projector>;
  beforeAll(async () => {
    await useBackend(backend);
    teacher = g.teacher.map((x: unknown) => T(x));
    student = g.student.map((x: unknown) => T(x));
    mask = T(g.mask);
    projectors = {};
    for (const key of Object.keys(g.projectors)) {
      const p = createProjector(4, 6);
      p.kernel.assign(T(g.projectors[key].kernel) as tf.Tensor2D);
      p.bias!.assign(T(g.projectors[key].bias) as tf.Tensor1D);
      projectors[key] = p;
    }
  });
  afterAll(() => {
    tf.dispose([...teacher, ...student, mask]);
    Object.values(projectors).forEach((p) => p.dispose());
  });

  const pairs = () => explicitLayerMap([[0, 1], [1, 2]], 2, 3);

  it('per-pair terms (s0->t1, s1->t2) and their mean match torch', () => {
    const { total, terms } = layerMatchLoss(teacher, student, pairs(), { mask, projectors });
    expect(Object.keys(terms)).toEqual(['s0->t1', 's1->t2']);
    for (const k of Object.keys(terms)) expectClose(scalar(terms[k]), g.terms[k]);
    expectClose(scalar(total), g.total);
  });

  it("combine 'sum' adds the terms", () => {
    const { total, terms } = layerMatchLoss(teacher, student, pairs(), { mask, projectors, combine: 'sum' });
    expectClose(scalar(total), g.total * 2);
    tf.dispose(Object.values(terms));
  });

  it('leaks no tensors; gradients reach the student states and projectors', () => {
    expectNoLeak(() => layerMatchLoss(teacher, student, pairs(), { mask, projectors }));
    expectGradMatches((s) => layerMatchLoss(teacher, [s, student[1]], pairs(), { mask, projectors, loss: 'mse' }).total, student[0]);
    const vars = Object.values(projectors).flatMap((p) => p.variables);
    const { value, grads } = tf.variableGrads(() => layerMatchLoss(teacher, student, pairs(), { mask, projectors }).total, vars);
    expect(Object.keys(grads).length).toBe(4);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('throws when a layer is missing or widths differ without a projector', () => {
    expect(() => layerMatchLoss(teacher, student, [{ student: 5, teacher: 0 }])).toThrow(
      "layerMatchLoss: argument 'studentStates' has 2 layers; pair s5->t0 needs index 5",
    );
    const before = tf.memory().numTensors;
    expect(() => layerMatchLoss(teacher, student, pairs(), { mask })).toThrow(
      "layerMatchLoss: argument 'projectors' has no projector for s0->t1, whose student dim 4 differs from teacher dim 6",
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
