// Depth probe of issue 6: the baseline student-s recipe (configs/baseline-student-s.json) with N Conformer
// blocks instead of 6, with plain Glorot initialization (residualInitScale 1, as the presets had when the probe
// was made), for 2000 steps, dev WER/CER every 500 (40 utterances). Run from the repository root
// after `npm run build`:  node packages/student-trainer/scripts/depth-probe.mjs 4   (-> runs/probe-student-s-l4)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const st = await import(path.join(pkg, 'dist', 'index.js'));
const { initBackend } = await import('@speechkd/tensor-backend');
const layers = Number(process.argv[2] ?? 4);
if (!Number.isInteger(layers) || layers < 1) throw new Error(`depth-probe: the block count must be a positive integer, got ${process.argv[2]}`);
const name = `student-s-l${layers}`;
st.MODEL_PRESETS[name] = { ...st.MODEL_PRESETS['student-s'], name, numLayers: layers, residualInitScale: 1 };
await initBackend({ backend: 'wasm' });
const base = JSON.parse(fs.readFileSync(path.join(pkg, 'configs', 'baseline-student-s.json'), 'utf8'));
const cfg = st.resolveTrainConfig(undefined, { ...base, model: name, runDir: `runs/probe-${name}`, steps: 2000 });
const trainer = await st.Trainer.create(cfg, { resume: true, log: (l) => process.stderr.write(`${l}\n`) });
try {
  console.log(JSON.stringify(await trainer.run()));
} finally {
  trainer.dispose();
}
