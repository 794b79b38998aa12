export { parseManifest, readManifest, formatManifest, writeManifest, ManifestError } from './manifest.js';
export type { ManifestEntry } from './manifest.js';
