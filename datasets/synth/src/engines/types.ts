/** Raw engine output: mono float samples in [-1, 1] at the engine's native rate. */
export interface EngineAudio {
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
  /** Native sample rate in Hz (espeak-ng 22050, flite 16000). */
  sampleRate: number;
}

/** Names of the speech engines this package drives. */
export type EngineName = 'espeak-ng' | 'flite';

/** The voice settings that make one synthetic speaker. */
export interface VoiceSettings {
  /** Engine that renders the voice. */
  engine: EngineName;
  /** espeak-ng language voice (e.g. `en-us`) or flite voice (e.g. `slt`). */
  voice: string;
  /** espeak-ng voice variant (e.g. `f3`, `m2`); empty for flite. */
  variant: string;
  /** espeak-ng: words per minute; flite: duration stretch factor (>1 is slower). */
  rate: number;
  /** espeak-ng: pitch 0-99; flite: target mean F0 in Hz (only the diphone voice kal16 honours it; 0 = voice default). */
  pitch: number;
  /** Spectral warp applied after synthesis by resampling (>1: higher and faster, like speed perturbation); 1 = none. */
  warp: number;
}
