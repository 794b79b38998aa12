/**
 * @speechkd/audio-features: decode WAV/FLAC, resample, Kaldi-compatible fbank, CMVN, SpecAugment,
 * speed perturbation. Feature matrices are row-major `[frames, bins]` Float32Arrays.
 */
export type { AudioFormat, DecodedAudio } from './decoded-audio.js';
export { decodeAudio, decodeAudioFile, sniffAudioFormat } from './decode.js';
export { readAudioInfo } from './audio-info.js';
export type { AudioInfo } from './audio-info.js';
export { AudioDecodeError, AudioInputError, AugmentOptionError, CmvnError, FbankOptionError, ResampleError } from './errors.js';
export { ComplexFft } from './complex-fft.js';
export { RealFft } from './real-fft.js';
export { featureWindow, WINDOW_TYPES } from './feature-window.js';
export type { WindowType } from './feature-window.js';
export { inverseMelScale, melBanks, melScale, vtlnWarpFreq } from './mel-banks.js';
export type { MelBanks } from './mel-banks.js';
export { FBANK_DEFAULTS, resolveFbankOptions } from './fbank-options.js';
export type { FbankOptions, ResolvedFbankOptions } from './fbank-options.js';
export { FbankExtractor, kaldiFbank, numFbankFrames, subtractColumnMeans } from './kaldi-fbank.js';
export type { FeatureMatrix } from './kaldi-fbank.js';
export { createRng } from './random.js';
export type { Rng } from './random.js';
export { resample } from './resample.js';
export type { ResampleOptions } from './resample.js';
export { chooseSpeedFactor, SPEED_FACTORS, speedPerturb } from './speed-perturb.js';
export { applyCmvn, CmvnStats } from './cmvn.js';
export type { CmvnOptions, CmvnStatsJson } from './cmvn.js';
export { specAugment } from './spec-augment.js';
export type { SpecAugmentOptions } from './spec-augment.js';
export { cmvnStatsForFiles } from './cmvn-files.js';
export type { CmvnFilesOptions } from './cmvn-files.js';
