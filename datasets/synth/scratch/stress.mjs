import { synthesize } from '../dist/engines/index.js';
const engine = process.argv[2];
const v = engine === 'flite' ? { engine, voice: 'slt', variant: '', rate: 1, pitch: 0, warp: 1 } : { engine, voice: 'en-us', variant: 'f3', rate: 170, pitch: 50, warp: 1 };
for (let i = 0; i < 400; i++) {
  await synthesize(v, 'hello there');
  if (i % 100 === 0) console.log(i, (process.memoryUsage().rss / 1e6).toFixed(0), 'MB rss', (process.memoryUsage().external / 1e6).toFixed(0), 'MB ext');
}
console.log('done');
