import { SynthOptionError } from '../errors.js';
import { synthesizeEspeak } from './espeak.js';
import { synthesizeFlite } from './flite.js';
import type { EngineAudio, VoiceSettings } from './types.js';

export type { EngineAudio, EngineName, VoiceSettings } from './types.js';

/** Synthesizes lower-case `text` with the engine named in `settings`; throws EngineError on failure. */
export function synthesize(settings: VoiceSettings, text: string): Promise<EngineAudio> {
  switch (settings.engine) {
    case 'espeak-ng':
      return synthesizeEspeak(settings, text);
    case 'flite':
      return synthesizeFlite(settings, text);
    default:
      throw new SynthOptionError(`unknown engine "${(settings as VoiceSettings).engine}" (expected espeak-ng or flite)`);
  }
}
