// Worker-thread entry of data-parallel training: one model replica that computes the gradient of its batch slice.
import { reduceRange, serveReplica, shardRange } from '@speechkd/data-parallel';
import { initBackend } from '@speechkd/tensor-backend';
import type { BackendName } from '@speechkd/tensor-backend';
import { createStudent } from '../../model/student.js';
import { ctcObjective, loadObjective } from '../objective.js';
import { trainableVariables } from '../train-step.js';
import { adamwRange, openHostAdamWState } from '../host-adamw.js';
import { assignFlatWeights, writeFlatGradients } from '@speechkd/tensor-backend';
import { openSharedUtterances } from './shared-utterances.js';
import { SliceWorker } from './slice-work.js';
import type { ReplicaInit, ReplicaRequest, SliceGradients } from './replica-protocol.js';

serveReplica<ReplicaInit>(async ({ index, init, weights, grad, grads }) => {
  await initBackend({ backend: init.backend as BackendName, log: null });
  const model = createStudent(init.model, { seed: init.seed });
  const objective = init.objective ? await loadObjective(init.objective) : ctcObjective();
  const vars = trainableVariables(model, objective);
  const names = [...vars.keys()];
  if (names.length !== init.varNames.length || names.some((n, i) => n !== init.varNames[i] || vars.get(n)!.size !== init.varSizes[i])) {
    throw new Error(`the replica's variables differ from the trainer's (${names.length} vs ${init.varNames.length}); the objective must build the same variables on every thread`);
  }
  const slices = new SliceWorker(model, objective, openSharedUtterances(init.data), init.specAugment);
  const opt = init.optimizer;
  const state = openHostAdamWState(opt.state);
  const [lo, hi] = shardRange(weights.length, grads.length, index);
  let version = 0;
  return {
    async handle(payload: unknown): Promise<unknown> {
      const req = payload as ReplicaRequest;
      if (req.op === 'prepare') return slices.prepare(req.task);
      if (req.op === 'reduce') return reduceRange(grads.slice(0, req.slots), lo, hi);
      if (req.op === 'update') {
        adamwRange(opt.options, req.step, state, weights, grads[0], lo, hi);
        return null;
      }
      const started = performance.now();
      if (req.weightsVersion !== version) {
        assignFlatWeights(vars, weights);
        version = req.weightsVersion;
      }
      const r = slices.gradients(req.scales);
      try {
        writeFlatGradients(vars, r.grads, grad);
      } finally {
        for (const g of r.grads.values()) g.dispose();
        slices.release();
      }
      return { loss: r.loss, terms: r.terms, seconds: (performance.now() - started) / 1000 } satisfies SliceGradients;
    },
    memory: () => SliceWorker.backendBytes(),
  };
});
