/**
 * The part of @speechkd/audio-features that needs no Node API (no file system, no node:crypto): what a
 * browser bundle gets through the package's `browser` export condition. Decoding takes bytes here;
 * reading files (`decodeAudioFile`, `readAudioInfo`, `cmvnStatsForFiles`, CMVN files) is in the Node entry.
 */

// Decoding: bytes → mono Float32Array in [-1, 1).
export type { AudioFormat, DecodedAudio } from './decoded-audio.js';
export { decodeAudio, sniffAudioFormat } from './decode.js';
export { AUDIO_LIMITS, checkAudioHeader } from './audio-limits.js';
export type { AudioLimits } from './audio-limits.js';

// Typed errors (messages name the file or option and the problem).
export { AudioDecodeError, AudioInputError, AugmentOptionError, CmvnError, FbankOptionError, ResampleError } from './errors.js';

// Resampling and speed perturbation.
export { resample } from './resample.js';
export type { ResampleOptions } from './resample.js';
export { chooseSpeedFactor, SPEED_FACTORS, speedPerturb } from './speed-perturb.js';

// Kaldi fbank (torchaudio.compliance.kaldi.fbank semantics) and its building blocks.
export { FbankExtractor, kaldiFbank, numFbankFrames, subtractColumnMeans } from './kaldi-fbank.js';
export type { FeatureMatrix } from './kaldi-fbank.js';
export { FBANK_DEFAULTS, resolveFbankOptions } from './fbank-options.js';
export type { FbankOptions, ResolvedFbankOptions } from './fbank-options.js';
export { featureWindow, WINDOW_TYPES } from './feature-window.js';
export type { WindowType } from './feature-window.js';
export { inverseMelScale, melBanks, melScale, vtlnWarpFreq } from './mel-banks.js';
export type { MelBanks } from './mel-banks.js';
export { ComplexFft } from './complex-fft.js';
export { RealFft } from './real-fft.js';

// Normalization and augmentation.
export { applyCmvn, CmvnStats } from './cmvn.js';
export type { CmvnOptions, CmvnStatsJson } from './cmvn.js';
export { specAugment } from './spec-augment.js';
export type { SpecAugmentOptions } from './spec-augment.js';

// Seeded randomness.
export { createRng } from './random.js';
export type { Rng } from './random.js';
