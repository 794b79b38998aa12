// Worker-thread entry of the text tower's data-parallel training: a tower replica computing its slice's MLM gradient.
import { serveReplica } from '@speechkd/data-parallel';
import { assignFlatWeights, initBackend, tf, writeFlatGradients } from '@speechkd/tensor-backend';
import type { BackendName } from '@speechkd/tensor-backend';
import type { Variable } from '@tensorflow/tfjs-core';
import { initTowerParams } from './model.js';
import type { MlmReplicaInit, MlmSliceRequest } from './parallel-mlm.js';
import { mlmSliceGradients } from './parallel-mlm.js';

serveReplica<MlmReplicaInit>(async ({ init, weights, grad }) => {
  await initBackend({ backend: init.backend as BackendName, log: null });
  const params = initTowerParams(init.config, 0);
  const names = [...params.keys()];
  if (names.join('\n') !== init.varNames.join('\n')) throw new Error('the tower replica\'s parameters differ from the trainer\'s');
  const vars = params as Map<string, Variable>;
  let version = 0;
  return {
    handle(payload: unknown): unknown {
      const req = payload as MlmSliceRequest;
      if (req.weightsVersion !== version) {
        assignFlatWeights(vars, weights);
        version = req.weightsVersion;
      }
      const { loss, grads } = mlmSliceGradients(vars, init.config, req.batch, req.scale);
      writeFlatGradients(vars, grads, grad);
      tf.dispose([...grads.values()]);
      return loss;
    },
  };
});
