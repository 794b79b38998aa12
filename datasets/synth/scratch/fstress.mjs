import fs from 'node:fs';
import { renderUtterance, buildPlan, getPreset } from '../dist/index.js';
const plan = buildPlan(getPreset('tiny'), { seed: 1 });
const utts = plan.utterances.filter((u) => u.voice.engine === 'flite');
console.log(utts.length);
for (let k = 0; k < 6; k++) for (let i = 0; i < utts.length; i++) {
  await renderUtterance(utts[i]);
  if (i % 20 === 0) console.log(k, i, fs.readdirSync('/proc/self/fd').length, 'fds', (process.memoryUsage().rss / 1e6).toFixed(0));
}
console.log('done');
