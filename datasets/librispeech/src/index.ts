export { parseManifest, readManifest, formatManifest, writeManifest, ManifestError } from './manifest.js';
export type { ManifestEntry } from './manifest.js';
export { LibriSpeechError, LibriSpeechInputError, DownloadError } from './errors.js';
export type { LibriSpeechProblem, ProblemKind } from './errors.js';
export { readLibriSpeechSubset, resolveSubsetDir, ProblemLog } from './reader.js';
export { describeConventionBreaks, followsLibriSpeechConvention } from './convention.js';
export type { ConventionBreak } from './convention.js';
export type { LibriSpeechUtterance, ReadSubsetOptions, SubsetContents } from './reader.js';
export { buildManifest } from './manifest-builder.js';
export type { BuildManifestOptions, BuiltManifest } from './manifest-builder.js';
export {
  LIBRISPEECH_SUBSETS, LIBRISPEECH_MD5, OPENSLR_BASE_URL, downloadFile, downloadLibriSpeech, extractTarGz, md5File, verifyTarGz,
} from './download.js';
export type { LibriSpeechSubset, DownloadFileOptions, DownloadLibriSpeechOptions, DownloadProgress } from './download.js';
