import fs from 'node:fs';
import { decodeAudioFile, kaldiFbank } from './src/index.js';
import { sampleAudioPath } from '@speechkd/fixtures';
const g = JSON.parse(fs.readFileSync('packages/audio-features/test/golden/fbank.json','utf8'));
let worst = 0;
for (const c of g.cases) { const [subset,name]=c.file.split('/'); const [id,ext]=name.split('.');
  const x=(await decodeAudioFile(sampleAudioPath(subset,id,ext))).samples.map(v=>v*32768).subarray(c.start,c.start+c.length);
  const y=kaldiFbank(x,c.options); let m=0; for(let i=0;i<c.data.length;i++) m=Math.max(m,Math.abs(y.data[i]-c.data[i])); if (c.options.useLogFbank!==false) worst=Math.max(worst,m); console.log(c.name, m.toExponential(2)); }
console.log('worst log-domain', worst);
const x=(await decodeAudioFile(sampleAudioPath('test-other','1688-142285-0000','flac'))).samples.map(v=>v*32768);
const big=new Float32Array(x.length*4); for(let i=0;i<4;i++) big.set(x,i*x.length);
for (let r=0;r<5;r++){ const t=performance.now(); kaldiFbank(big,{numMelBins:80}); const dt=performance.now()-t; console.log('fbank x-realtime', (big.length/16000)/(dt/1000)); }
