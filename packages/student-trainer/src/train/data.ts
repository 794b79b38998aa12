import { CmvnStats } from '@speechkd/audio-features';
import { readManifest } from '@speechkd/librispeech';
import type { ManifestEntry } from '@speechkd/librispeech';
import { subsampledLength } from '../model/config.js';
import { encodeText, normalizeTranscript } from '../model/vocab.js';
import { FEATURE_BINS } from '@speechkd/recognizer';
import type { Utterance } from './batches.js';
import { loadFeatures } from './features-cache.js';
import type { CachedFeatures } from './features-cache.js';

/** A loaded corpus split with the reasons utterances were dropped. */
export interface Split {
  utts: Utterance[];
  skippedTooLong: number;
  skippedImpossible: number;
}

/** Global CMVN statistics over every frame of the given features. */
export function cmvnFromFeatures(feats: readonly CachedFeatures[]): CmvnStats {
  const stats = new CmvnStats(FEATURE_BINS);
  for (const f of feats) stats.accumulate({ data: f.data, numFrames: f.frames, numBins: FEATURE_BINS });
  return stats;
}

/** Minimum CTC frames a label sequence needs (its length plus one blank between each repeated pair). */
export function ctcMinFrames(labels: Int32Array): number {
  let n = labels.length;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) n++;
  return n;
}

/** Reads a manifest and its cached features. */
export async function readSplit(manifest: string, cacheFile: string, onProgress?: (done: number, total: number) => void): Promise<{ entries: ManifestEntry[]; feats: CachedFeatures[] }> {
  const entries = readManifest(manifest);
  const feats = await loadFeatures(entries, cacheFile, onProgress);
  return { entries, feats };
}

/** Normalizes features with CMVN, encodes transcripts and drops utterances the model cannot fit. */
export function buildSplit(entries: readonly ManifestEntry[], feats: readonly CachedFeatures[], cmvn: CmvnStats, maxFrames: number, filter: boolean): Split {
  const utts: Utterance[] = [];
  let skippedTooLong = 0;
  let skippedImpossible = 0;
  entries.forEach((e, i) => {
    const f = feats[i];
    const labels = encodeText(e.text);
    if (filter && maxFrames > 0 && f.frames > maxFrames) {
      skippedTooLong++;
      return;
    }
    if (filter && (subsampledLength(f.frames) < ctcMinFrames(labels) || labels.length === 0)) {
      skippedImpossible++;
      return;
    }
    const data = f.frames > 0 ? cmvn.apply({ data: f.data, numFrames: f.frames, numBins: FEATURE_BINS }).data : f.data;
    utts.push({ id: e.id, text: normalizeTranscript(e.text), labels, frames: f.frames, data });
  });
  return { utts, skippedTooLong, skippedImpossible };
}
