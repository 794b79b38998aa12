import { Worker } from 'node:worker_threads';
const engine = process.argv[2];
const n = Number(process.argv[3] ?? 2);
for (let k = 0; k < n; k++) {
  const w = new Worker(new URL('./stress.mjs', import.meta.url), { argv: [engine] });
  w.on('error', (e) => console.log('worker error', e.message));
  w.on('exit', (c) => console.log('worker exit', c));
}
