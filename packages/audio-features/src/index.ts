/**
 * @speechkd/audio-features: decode WAV/FLAC, resample, Kaldi-compatible fbank, CMVN, SpecAugment,
 * speed perturbation. Feature matrices are row-major `[frames, bins]` Float32Arrays. Every export is
 * documented where it is defined. This is the Node entry: everything in `portable.ts` (also the browser
 * entry) plus the functions that read or write files.
 */
export * from './portable.js';

// Files: read and decode; headers only for readAudioInfo.
export { decodeAudioFile } from './decode-file.js';
export { readAudioInfo } from './audio-info.js';
export type { AudioInfo } from './audio-info.js';

// CMVN over files, and CMVN statistics files.
export { cmvnStatsForFiles, loadCmvnStats, saveCmvnStats } from './cmvn-files.js';
export type { CmvnFilesOptions } from './cmvn-files.js';
