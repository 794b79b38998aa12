import { UnknownPresetError } from './errors.js';

/** Names of the three subsets, LibriSpeech style folders under `SynthLibri/`. */
export type SubsetName = 'train' | 'dev' | 'test';

/** Every subset, in generation order. */
export const SUBSETS: readonly SubsetName[] = ['train', 'dev', 'test'];

/** Size of one corpus: speakers per subset, utterances per speaker, chapters per speaker. */
export interface PresetConfig {
  /** Preset name. */
  name: string;
  /** Number of speakers in each subset (speakers never cross subsets). */
  speakers: Record<SubsetName, number>;
  /** Utterances read by each speaker of a subset. */
  uttsPerSpeaker: Record<SubsetName, number>;
  /** Chapters per speaker (a chapter is a run of consecutive sentences of one text). */
  chaptersPerSpeaker: number;
  /** Fraction of speakers voiced by flite (the rest by espeak-ng). */
  fliteShare: number;
  /**
   * Id of the first speaker (default 1001; ids count up from it, train first). A corpus meant to be used
   * together with another one starts after the other's last id, so utterance ids never collide.
   */
  firstSpeakerId?: number;
}

/** Built-in presets: tiny (~300 utterances, tests and the default main job), small (~2 h), full (~20 h). */
export const PRESETS: Readonly<Record<string, PresetConfig>> = {
  tiny: {
    name: 'tiny',
    speakers: { train: 30, dev: 5, test: 5 },
    uttsPerSpeaker: { train: 8, dev: 6, test: 6 },
    chaptersPerSpeaker: 1,
    fliteShare: 0.2,
  },
  small: {
    name: 'small',
    speakers: { train: 60, dev: 10, test: 10 },
    uttsPerSpeaker: { train: 18, dev: 11, test: 11 },
    chaptersPerSpeaker: 2,
    fliteShare: 0.2,
  },
  full: {
    name: 'full',
    speakers: { train: 240, dev: 20, test: 20 },
    uttsPerSpeaker: { train: 55, dev: 60, test: 60 },
    chaptersPerSpeaker: 2,
    fliteShare: 0.2,
  },
};

/** Looks up a preset by name; throws UnknownPresetError listing the valid names. */
export function getPreset(name: string): PresetConfig {
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset) throw new UnknownPresetError(`unknown preset "${name}": use one of ${Object.keys(PRESETS).join(', ')}`);
  return preset;
}
