export { HubError, hubEnv, isHubId, isCommitHash, repoCacheFolder, cachedCommit, snapshotFolder, snapshotHas } from './hub-env.js';
export type { HubEnv } from './hub-env.js';
export { downloadHubFiles } from './hub-download.js';
export type { HubDownloadOptions, HubProgress, HubSnapshot } from './hub-download.js';
export { startHubMirror } from './hub-mirror.js';
export type { HubMirror, MirrorRepo, MirrorRequest, MirrorFaults } from './hub-mirror.js';
export { resolveModelFolder } from './model-folder.js';
export type { ModelFolder, ModelFolderOptions } from './model-folder.js';
