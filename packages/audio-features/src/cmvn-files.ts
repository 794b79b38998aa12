import { CmvnStats } from './cmvn.js';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@speechkd/safe-io';
import { decodeAudioFile } from './decode-file.js';
import { CmvnError } from './errors.js';
import type { FbankOptions } from './fbank-options.js';
import { FbankExtractor } from './kaldi-fbank.js';
import { resample } from './resample.js';

/** Options of `cmvnStatsForFiles`. */
export interface CmvnFilesOptions {
  /** Fbank options (sampleFrequency defaults to 16000; other rates are resampled to it). */
  fbank?: FbankOptions;
  /** Called after each file with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Global CMVN statistics over audio files (e.g. every `audio` of a training manifest): each file is
 * decoded, resampled to `fbank.sampleFrequency` if needed, scaled to int16 range and featurized.
 * Memory stays constant in the number of files.
 */
export async function cmvnStatsForFiles(paths: readonly string[], options: CmvnFilesOptions = {}): Promise<CmvnStats> {
  const extractor = new FbankExtractor(options.fbank);
  const rate = extractor.options.sampleFrequency;
  const stats = new CmvnStats(extractor.numBins);
  for (let i = 0; i < paths.length; i++) {
    const { samples, sampleRate } = await decodeAudioFile(paths[i]);
    const x = sampleRate === rate ? samples : resample(samples, sampleRate, rate);
    for (let j = 0; j < x.length; j++) x[j] *= 32768;
    stats.accumulate(extractor.compute(x));
    options.onProgress?.(i + 1, paths.length);
  }
  return stats;
}

/** Writes CMVN statistics as JSON atomically (temp file, then rename). */
export async function saveCmvnStats(stats: CmvnStats, path: string): Promise<void> {
  writeFileAtomic(path, `${JSON.stringify(stats.toJSON())}\n`);
}

/** Reads statistics written by `saveCmvnStats`; errors name the file. */
export async function loadCmvnStats(path: string): Promise<CmvnStats> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CmvnError(`${path}: cannot read CMVN statistics (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CmvnError(`${path}: CMVN statistics file is not valid JSON`);
  }
  return CmvnStats.fromJSON(json, path);
}
