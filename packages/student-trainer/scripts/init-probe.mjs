// Initialization probe of issue 6: the baseline student-s recipe (configs/baseline-student-s.json, 6 blocks)
// with the output projections of every block's residual branches (both feed-forward w2, attention wo,
// convolution pw2) scaled by S at initialization (and in the EMA copy), 2000 steps, dev WER/CER every 500
// (40 utterances). Run from the repository root after `npm run build`:
//   node packages/student-trainer/scripts/init-probe.mjs 0.1   (-> runs/probe-init-0.1)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const st = await import(path.join(pkg, 'dist', 'index.js'));
const { initBackend, tf } = await import('@speechkd/tensor-backend');
const scale = Number(process.argv[2]);
if (!(scale > 0)) throw new Error(`init-probe: the scale must be a positive number, got ${process.argv[2]}`);
await initBackend({ backend: 'wasm' });
const base = JSON.parse(fs.readFileSync(path.join(pkg, 'configs', 'baseline-student-s.json'), 'utf8'));
const cfg = st.resolveTrainConfig(undefined, { ...base, runDir: `runs/probe-init-${scale}`, steps: 2000 });
const trainer = await st.Trainer.create(cfg, { resume: false, log: (l) => process.stderr.write(`${l}\n`) });
try {
  for (const [name, v] of trainer.model.params.vars) {
    if (!/blocks\/\d+\/(ff1\/w2|ff2\/w2|att\/wo|conv\/pw2\/w)$/.test(name)) continue;
    v.assign(tf.mul(v, scale));
    const shadow = trainer.ema?.shadow.get(name);
    if (shadow) {
      trainer.ema.shadow.set(name, tf.keep(tf.mul(shadow, scale)));
      shadow.dispose();
    }
  }
  console.log(JSON.stringify(await trainer.run()));
} finally {
  trainer.dispose();
}
