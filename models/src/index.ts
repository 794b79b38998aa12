// @speechkd/models: the released teachers (folders next to this package's src/) and how to find them.
export { RELEASED, MODELS_ROOT, releasedModelDir, readRelease, sha256File, ReleaseError } from './release-info.js';
export type { ReleaseInfo, ReleaseKind, ReleaseMetrics } from './release-info.js';
