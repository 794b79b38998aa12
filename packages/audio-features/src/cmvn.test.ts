import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cmvnStatsForFiles, loadCmvnStats, saveCmvnStats } from './cmvn-files.js';
import { applyCmvn, CmvnStats } from './cmvn.js';
import { CmvnError } from './errors.js';
import type { FeatureMatrix } from './kaldi-fbank.js';
import { createRng } from './random.js';

function randomMatrix(numFrames: number, numBins: number, seed: number, offset = 5, scale = 3): FeatureMatrix {
  const rng = createRng(seed);
  const data = new Float32Array(numFrames * numBins);
  for (let i = 0; i < data.length; i++) data[i] = offset + (i % numBins) + scale * rng.gaussian();
  return { data, numFrames, numBins };
}

function columnStats(m: FeatureMatrix): { mean: number[]; std: number[] } {
  const mean = new Array<number>(m.numBins).fill(0);
  const sq = new Array<number>(m.numBins).fill(0);
  for (let f = 0; f < m.numFrames; f++) for (let b = 0; b < m.numBins; b++) mean[b] += m.data[f * m.numBins + b] / m.numFrames;
  for (let f = 0; f < m.numFrames; f++) for (let b = 0; b < m.numBins; b++) sq[b] += (m.data[f * m.numBins + b] - mean[b]) ** 2 / m.numFrames;
  return { mean, std: sq.map(Math.sqrt) };
}

describe('CMVN', () => {
  it('applyCmvn: per-utterance zero mean, unit variance with normVars', () => {
    const m = randomMatrix(500, 8, 1);
    const meanOnly = columnStats(applyCmvn(m));
    meanOnly.mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4));
    meanOnly.std.forEach((v) => expect(v).toBeGreaterThan(2));
    const both = columnStats(applyCmvn(m, { normVars: true }));
    both.std.forEach((v) => expect(v).toBeCloseTo(1, 4));
  });

  it('global stats accumulated over utterances equal stats of the concatenation; merge is equivalent', () => {
    const a = randomMatrix(300, 6, 2);
    const b = randomMatrix(200, 6, 3, 1, 0.5);
    const all = new CmvnStats(6).accumulate(a).accumulate(b);
    const merged = new CmvnStats(6).accumulate(a).merge(new CmvnStats(6).accumulate(b));
    expect(merged.count).toBe(500);
    const cat: FeatureMatrix = { data: new Float32Array([...a.data, ...b.data]), numFrames: 500, numBins: 6 };
    const ref = columnStats(cat);
    all.mean().forEach((v, i) => expect(v).toBeCloseTo(ref.mean[i], 6));
    merged.variance().forEach((v, i) => expect(Math.sqrt(v)).toBeCloseTo(ref.std[i], 5));
    const normalized = columnStats(all.apply(cat));
    normalized.mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4));
    normalized.std.forEach((v) => expect(v).toBeCloseTo(1, 4));
  });

  it('save/load round-trips through JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmvn-'));
    const stats = new CmvnStats(4).accumulate(randomMatrix(50, 4, 4));
    await saveCmvnStats(stats, join(dir, 'cmvn.json'));
    const loaded = await loadCmvnStats(join(dir, 'cmvn.json'));
    expect(loaded.toJSON()).toEqual(stats.toJSON());
  });

  it('throws CmvnError on dim mismatch, empty stats, bad files and non-finite input', async () => {
    const stats = new CmvnStats(4);
    expect(() => stats.accumulate(randomMatrix(3, 5, 1))).toThrow(/5 bins, statistics have 4/);
    expect(() => stats.merge(new CmvnStats(3))).toThrow(CmvnError);
    expect(() => stats.mean()).toThrow(/no frames accumulated/);
    expect(() => stats.apply(randomMatrix(2, 3, 1))).toThrow(CmvnError);
    expect(() => stats.accumulate({ data: new Float32Array([1, NaN, 0, 0]), numFrames: 1, numBins: 4 })).toThrow(/non-finite/);
    expect(() => stats.accumulate({ data: new Float32Array(7), numFrames: 2, numBins: 4 })).toThrow(/expected numFrames\*numBins/);
    const dir = mkdtempSync(join(tmpdir(), 'cmvn-'));
    writeFileSync(join(dir, 'bad.json'), '{"version":1,"dim":2,"count":1,"sum":[1],"sumSquares":[1,2]}');
    await expect(loadCmvnStats(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid CMVN statistics/);
    writeFileSync(join(dir, 'garbage.json'), 'not json');
    await expect(loadCmvnStats(join(dir, 'garbage.json'))).rejects.toThrow(/not valid JSON/);
    await expect(loadCmvnStats(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('cmvnStatsForFiles', () => {
  it('accumulates fbank statistics over fixture files (same as accumulating each utterance)', async () => {
    const { sampleAudioPath } = await import('@speechkd/fixtures');
    const { decodeAudioFile } = await import('./decode-file.js');
    const { kaldiFbank } = await import('./kaldi-fbank.js');
    const paths = [sampleAudioPath('test-clean', '61-70968-0002', 'wav'), sampleAudioPath('test-other', '1688-142285-0002', 'flac')];
    const seen: number[] = [];
    const stats = await cmvnStatsForFiles(paths, { fbank: { numMelBins: 40 }, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2]);
    const ref = new CmvnStats(40);
    for (const p of paths) ref.accumulate(kaldiFbank((await decodeAudioFile(p)).samples.map((v) => v * 32768), { numMelBins: 40 }));
    expect(stats.count).toBe(ref.count);
    stats.mean().forEach((v, i) => expect(v).toBeCloseTo(ref.mean()[i], 6));
  });
});
