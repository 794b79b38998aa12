import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnnxGraphError } from '../proto.js';

/** A hub download, cache lookup or hub id that cannot be used; the message says what to do. */
export class HubError extends OnnxGraphError {
  override name = 'HubError';
}

/** Where and how to reach the Hugging Face hub, read from the same variables Python's huggingface_hub reads. */
export interface HubEnv {
  /** The hub cache (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`). */
  cacheDir: string;
  /** The hub endpoint (`HF_ENDPOINT`, else https://huggingface.co), without a trailing slash. */
  endpoint: string;
  /** `HF_HUB_OFFLINE=1`: use the cache only, never the network. */
  offline: boolean;
  /** `HF_TOKEN`, else the token file (`HF_TOKEN_PATH`, else `HF_HOME/token`) when it exists. */
  token?: string;
}

const TRUE = new Set(['1', 'on', 'yes', 'true']);

/** Reads the hub settings from `env` (default `process.env`), as huggingface_hub's constants do. */
export function hubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const home = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'huggingface');
  const cacheDir = env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? path.join(home, 'hub');
  const tokenFile = env.HF_TOKEN_PATH ?? path.join(home, 'token');
  let token = env.HF_TOKEN || undefined;
  if (!token && fs.existsSync(tokenFile)) token = fs.readFileSync(tokenFile, 'utf8').trim() || undefined;
  return {
    cacheDir,
    endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
    offline: TRUE.has((env.HF_HUB_OFFLINE ?? '').toLowerCase()),
    token,
  };
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** Whether `value` has the form of a hub model id (`owner/name`); says nothing about local folders. */
export function isHubId(value: string): boolean {
  return HUB_ID.test(value) && !value.includes('..');
}

/** A 40-hex git commit id. */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** The cache folder of model `repo`: `<cacheDir>/models--<owner>--<name>` (huggingface_hub's layout). */
export function repoCacheFolder(cacheDir: string, repo: string): string {
  return path.join(cacheDir, `models--${repo.split('/').join('--')}`);
}

/**
 * The commit a revision points to in the cache: the revision itself when it is a commit hash, else the
 * content of `refs/<revision>` (written by whichever client downloaded it); undefined when not cached.
 */
export function cachedCommit(cacheDir: string, repo: string, revision: string): string | undefined {
  if (isCommitHash(revision)) return revision;
  const ref = path.join(repoCacheFolder(cacheDir, repo), 'refs', revision);
  if (!fs.existsSync(ref)) return undefined;
  const commit = fs.readFileSync(ref, 'utf8').trim();
  return isCommitHash(commit) ? commit : undefined;
}

/** The snapshot folder of `commit`: `<repo folder>/snapshots/<commit>`. */
export function snapshotFolder(cacheDir: string, repo: string, commit: string): string {
  return path.join(repoCacheFolder(cacheDir, repo), 'snapshots', commit);
}

/** Whether `file` of the snapshot is present (its link resolves to a blob). */
export function snapshotHas(snapshot: string, file: string): boolean {
  try {
    return fs.statSync(path.join(snapshot, file)).isFile();
  } catch {
    return false;
  }
}
