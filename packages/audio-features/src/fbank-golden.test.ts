import { readFileSync } from 'node:fs';
import { sampleAudioPath } from '@speechkd/fixtures';
import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from './decode-file.js';
import type { FbankOptions } from './fbank-options.js';
import { kaldiFbank } from './kaldi-fbank.js';

interface GoldenCase {
  name: string;
  file: string;
  start: number;
  length: number;
  options: FbankOptions;
  numFrames: number;
  numBins: number;
  data: number[];
}
interface GoldenFull {
  file: string;
  dtype: 'float32' | 'float64';
  float32MaxAbsDiff?: number;
  options: FbankOptions;
  numFrames: number;
  numBins: number;
  rows: Record<string, number[]>;
  columnMeans: number[];
}
const golden = JSON.parse(readFileSync(new URL('../test/golden/fbank.json', import.meta.url), 'utf8')) as { cases: GoldenCase[]; full: GoldenFull[] };

const TOL = 1e-3;

/** int16-scaled samples of a fixture named like `test-other/1688-142285-0000.flac`. */
async function fixture(rel: string): Promise<Float32Array> {
  const [subset, name] = rel.split('/');
  const [id, ext] = name.split('.');
  const { samples } = await decodeAudioFile(sampleAudioPath(subset, id, ext as 'flac' | 'wav'));
  return samples.map((v) => v * 32768);
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]));
  return m;
}

describe('kaldiFbank vs torchaudio.compliance.kaldi.fbank (golden, real LibriSpeech audio)', () => {
  for (const c of golden.cases) {
    it(`${c.name} (${c.file})`, async () => {
      const x = (await fixture(c.file)).subarray(c.start, c.start + c.length);
      const y = kaldiFbank(x, c.options);
      expect([y.numFrames, y.numBins]).toEqual([c.numFrames, c.numBins]);
      if (c.options.useLogFbank === false) {
        // Linear energies reach ~1e10 where float32 itself has an ulp of ~1e3: compare relatively.
        for (let i = 0; i < c.data.length; i++) expect(Math.abs(y.data[i] - c.data[i])).toBeLessThanOrEqual(TOL + 1e-5 * Math.abs(c.data[i]));
      } else {
        expect(maxAbsDiff(y.data, c.data)).toBeLessThanOrEqual(TOL);
      }
    });
  }
  for (const g of golden.full) {
    // torchaudio run in float64 is the exact reference: we agree with it 10x tighter than with its float32 run,
    // whose own rounding reaches g.float32MaxAbsDiff on a few near-silent bins of this file.
    const tol = g.dtype === 'float64' ? TOL / 10 : TOL;
    it(`whole utterance ${g.file} ${JSON.stringify(g.options)} vs torchaudio ${g.dtype}`, async () => {
      const y = kaldiFbank(await fixture(g.file), g.options);
      expect([y.numFrames, y.numBins]).toEqual([g.numFrames, g.numBins]);
      for (const [row, values] of Object.entries(g.rows)) {
        const f = Number(row);
        expect(maxAbsDiff(y.data.subarray(f * y.numBins, (f + 1) * y.numBins), values)).toBeLessThanOrEqual(tol);
      }
      const means = new Float64Array(y.numBins);
      for (let f = 0; f < y.numFrames; f++) for (let b = 0; b < y.numBins; b++) means[b] += y.data[f * y.numBins + b] / y.numFrames;
      expect(maxAbsDiff(means, g.columnMeans)).toBeLessThanOrEqual(tol);
    });
  }
});
