import type { PresetConfig, SubsetName } from './presets.js';
import { SUBSETS } from './presets.js';
import type { VoiceSettings } from './engines/types.js';
import { deriveSeed, mulberry32, randInt, shuffled, uniform } from '@speechkd/random';

/** One synthetic speaker: its voice settings, subset and LibriSpeech-style numeric id. */
export interface SpeakerSpec extends VoiceSettings {
  /** Numeric speaker id as a string (folder name), e.g. `1001`. */
  id: string;
  /** The only subset this speaker appears in. */
  subset: SubsetName;
  /** Sex of the voice as the engine describes it (espeak-ng variant gender, flite voice). */
  sex: 'M' | 'F';
}

/** English espeak-ng language voices (accents) used for speakers. */
export const ESPEAK_VOICES: readonly string[] = [
  'en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-029', 'en-us-nyc', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd',
];

/** espeak-ng voice variants with their gender (klatt variants left out: this WASM build has no klatt synthesizer). */
export const ESPEAK_VARIANTS: Readonly<Record<string, 'M' | 'F'>> = Object.fromEntries([
  ...'m1 m2 m3 m4 m5 m6 m7 Alex Andy Denis Gene Jacky Lee Michael Mike boris ed grandpa iven john max norbert paul quincy rob robert travis victor zac'
    .split(' ').map((v) => [v, 'M'] as const),
  ...'f1 f2 f3 f4 f5 Annie anika aunty belinda grandma linda steph'.split(' ').map((v) => [v, 'F'] as const),
]);

/** flite voices compiled into the WASI build (cmu_us_kal at 8 kHz is left out: telephone band). */
export const FLITE_VOICES: Readonly<Record<string, 'M' | 'F'>> = { slt: 'F', rms: 'M', awb: 'M', kal16: 'M' };

/** Ranges of the per-speaker prosody settings (inclusive). */
export const VOICE_RANGES = {
  espeakRate: [135, 195] as const, // words per minute (espeak default 175)
  espeakPitch: [30, 70] as const, // 0-99 (espeak default 50)
  fliteStretch: [0.85, 1.2] as const, // duration_stretch
  fliteF0: [90, 140] as const, // Hz, kal16 only
  fliteWarp: [0.9, 1.1] as const, // resampling warp, gives flite's few voices distinct timbres
};

/** Unique key of a speaker's acoustic settings; two speakers never share one. */
export function voiceKey(v: VoiceSettings): string {
  return `${v.engine}|${v.voice}|${v.variant}|${v.rate}|${v.pitch}|${v.warp}`;
}

/** Draws the speakers of every subset (ids from `preset.firstSpeakerId` (1001) up, train first); deterministic from `seed`. */
export function buildSpeakers(preset: PresetConfig, seed: number): SpeakerSpec[] {
  const rng = mulberry32(deriveSeed(seed, 'speakers'));
  const timbres = shuffled(rng, ESPEAK_VOICES.flatMap((voice) => Object.keys(ESPEAK_VARIANTS).map((variant) => ({ voice, variant }))));
  const fliteVoices = shuffled(rng, Object.keys(FLITE_VOICES));
  let timbreCursor = 0;
  let fliteCursor = 0;
  const seen = new Set<string>();
  const out: SpeakerSpec[] = [];
  let nextId = preset.firstSpeakerId ?? 1001;
  for (const subset of SUBSETS) {
    const n = preset.speakers[subset];
    const nFlite = Math.round(n * preset.fliteShare);
    // Interleave engines so any prefix of a subset mixes both.
    const engines = Array.from({ length: n }, (_, i) => (Math.floor(((i + 1) * nFlite) / n) > Math.floor((i * nFlite) / n) ? 'flite' : 'espeak-ng'));
    for (const engine of engines) {
      let spec: SpeakerSpec;
      do {
        if (engine === 'espeak-ng') {
          const t = timbres[timbreCursor % timbres.length];
          spec = {
            id: String(nextId), subset, engine, voice: t.voice, variant: t.variant, sex: ESPEAK_VARIANTS[t.variant],
            rate: randInt(rng, ...VOICE_RANGES.espeakRate), pitch: randInt(rng, ...VOICE_RANGES.espeakPitch), warp: 1,
          };
        } else {
          const voice = fliteVoices[fliteCursor % fliteVoices.length];
          spec = {
            id: String(nextId), subset, engine, voice, variant: '', sex: FLITE_VOICES[voice],
            rate: Number(uniform(rng, ...VOICE_RANGES.fliteStretch).toFixed(2)),
            pitch: voice === 'kal16' ? randInt(rng, ...VOICE_RANGES.fliteF0) : 0,
            warp: Number(uniform(rng, ...VOICE_RANGES.fliteWarp).toFixed(3)),
          };
        }
      } while (seen.has(voiceKey(spec)));
      if (engine === 'espeak-ng') timbreCursor++;
      else fliteCursor++;
      seen.add(voiceKey(spec));
      out.push(spec);
      nextId++;
    }
  }
  return out;
}

/** Human-readable voice description, e.g. `espeak-ng en-us+f3 rate=160 pitch=55`. */
export function describeVoice(v: VoiceSettings): string {
  if (v.engine === 'espeak-ng') return `espeak-ng ${v.voice}+${v.variant} rate=${v.rate} pitch=${v.pitch}`;
  return `flite ${v.voice} stretch=${v.rate}${v.pitch ? ` f0=${v.pitch}` : ''} warp=${v.warp}`;
}

/** Formats a LibriSpeech-style SPEAKERS.TXT (ID | SEX | SUBSET | MINUTES | NAME, where NAME is the voice setting). */
export function formatSpeakersTxt(speakers: readonly SpeakerSpec[], minutes: ReadonlyMap<string, number>): string {
  const lines = [
    '; Synthetic speakers of SynthLibri (generated by @speechkd/synth).',
    '; NAME describes the engine settings: espeak-ng voice+variant, rate (words/min), pitch (0-99);',
    '; flite voice, duration stretch, target F0 (kal16 only), warp (post-synthesis resampling factor).',
    ';ID   |SEX| SUBSET | MINUTES | NAME',
  ];
  for (const s of speakers) {
    const min = (minutes.get(s.id) ?? 0).toFixed(2);
    lines.push(`${s.id.padEnd(5)} | ${s.sex} | ${s.subset.padEnd(6)} | ${min.padStart(7)} | ${describeVoice(s)}`);
  }
  return lines.join('\n') + '\n';
}
