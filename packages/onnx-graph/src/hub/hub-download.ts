import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HubApiError, downloadFile, downloadFileToCacheDir, modelInfo, pathsInfo } from '@huggingface/hub';
import { writeFileAtomic } from '@speechkd/safe-io';
import lockfile from 'proper-lockfile';
import type { PathInfo } from '@huggingface/hub';
import { HubError, cachedCommit, hubEnv, isCommitHash, isHubId, repoCacheFolder, snapshotFolder, snapshotHas } from './hub-env.js';
import type { HubEnv } from './hub-env.js';

/** Progress of one file: bytes on disk (resumed bytes included) out of its size. */
export interface HubProgress {
  file: string;
  bytes: number;
  total: number;
  /** True for the one event of a file found in the cache. */
  cached?: boolean;
}

/** Options of `downloadHubFiles`. */
export interface HubDownloadOptions {
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** Files the caller needs; a missing one is an error. */
  files: readonly string[];
  /** Files fetched when the repository has them (e.g. `special_tokens_map.json`). */
  optionalFiles?: readonly string[];
  /** Overrides of the environment's settings (`hubEnv()`): cache folder, endpoint, offline, token. */
  env?: Partial<HubEnv>;
  /** Called as bytes arrive (and once per file found in the cache, with bytes = total). */
  onProgress?: (p: HubProgress) => void;
  /** Called with a one-line notice, e.g. when the hub is unreachable and the cache is used. */
  onNotice?: (line: string) => void;
  /** Automatic resumes of one file after a dropped connection (default 3). */
  retries?: number;
  /** Delay before a resume, and between looks at a blob another process is downloading, ms (default 1000). */
  retryDelayMs?: number;
  /** fetch to use (default the global one). */
  fetch?: typeof fetch;
  /** Why the call is offline, for messages, when the caller sets `env.offline` for another reason than `HF_HUB_OFFLINE`. */
  offlineReason?: string;
}

/** A complete local snapshot of the requested files. */
export interface HubSnapshot {
  repo: string;
  revision: string;
  commit: string;
  /** `<cache>/models--owner--name/snapshots/<commit>`: read the files from here. */
  dir: string;
  /** The files present (required and optional), with whether this call downloaded them. */
  files: Array<{ path: string; size: number; downloaded: boolean }>;
  /** True when no request was made (offline mode, or the hub was unreachable and the cache complete). */
  fromCacheOnly: boolean;
}

function describeFailure(err: unknown, repo: string, revision: string, endpoint: string): HubError {
  if (err instanceof HubError) return err;
  if (err instanceof HubApiError) {
    const what = `${repo}@${revision} on ${endpoint}`;
    if (err.statusCode === 401 || err.statusCode === 403) return new HubError(`${what}: HTTP ${err.statusCode} (private or gated model); set HF_TOKEN to a token with access`);
    if (err.statusCode === 404) return new HubError(`${what}: not found (HTTP 404: ${err.message}); check the model id and --revision`);
    return new HubError(`${what}: HTTP ${err.statusCode} (${err.message})`);
  }
  return new HubError(`${repo}: ${(err as Error).message}`);
}

/** The local disk, not the network, failed: retrying will not help. */
class WriteFailure extends HubError {}

/** A fetch failure below HTTP (DNS, refused, reset): the hub could not be reached at all. */
function unreachable(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** Hashes a file's existing bytes into `hash` (to resume a checksum over a partial download). */
async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
}

/** What the hub says a file is: its cache blob name (etag), size and checksum. */
interface RemoteFile {
  path: string;
  size: number;
  /** Blob name in the cache: sha256 for LFS files, git blob sha1 otherwise (huggingface_hub's etag). */
  etag: string;
  /** sha256 hex for LFS files. */
  sha256?: string;
}

function remoteFile(info: PathInfo): RemoteFile {
  if (info.lfs) return { path: info.path, size: info.lfs.size, etag: info.lfs.oid, sha256: info.lfs.oid };
  if (!info.oid) throw new HubError(`${info.path}: the hub gave no object id for it`);
  return { path: info.path, size: info.size, etag: info.oid };
}

/**
 * Downloads the bytes of one file into `blobs/<etag>` through `blobs/<etag>.incomplete` (the name
 * Python's huggingface_hub uses, so either client resumes the other's partial download), with the
 * library's `downloadFile` blob: a ranged slice of it continues a partial file. The result must match
 * the hub's sha256 (LFS files) or git blob id (others) before it is renamed into place.
 */
async function fetchBlob(repo: string, commit: string, file: RemoteFile, blob: string, opts: HubDownloadOptions, env: HubEnv): Promise<void> {
  const incomplete = `${blob}.incomplete`;
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const have = fs.existsSync(incomplete) ? fs.statSync(incomplete).size : 0;
    try {
      if (have > file.size) fs.rmSync(incomplete);
      else if (have < file.size) {
        const remote = await downloadFile({
          repo, path: file.path, revision: commit, hubUrl: env.endpoint, fetch: opts.fetch, xet: false,
          ...(env.token ? { accessToken: env.token as `hf_${string}` } : {}),
        });
        if (!remote) throw new HubError(`${repo}@${commit}: ${file.path} is not in the repository`);
        if (remote.size !== file.size) throw new HubError(`${repo}: ${file.path} is ${remote.size} bytes at ${env.endpoint} but the file list says ${file.size}`);
        const out = fs.createWriteStream(incomplete, { flags: have > 0 ? 'a' : 'w' });
        let writeError: Error | undefined;
        out.on('error', (e) => (writeError = e));
        const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
        let bytes = have;
        try {
          for await (const chunk of remote.slice(have).stream() as unknown as AsyncIterable<Uint8Array>) {
            bytes += chunk.length;
            if (bytes > file.size) break;
            if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
            opts.onProgress?.({ file: file.path, bytes, total: file.size });
          }
        } finally {
          out.end();
          await closed;
        }
        if (writeError) throw new WriteFailure(`cannot write ${incomplete} (${writeError.message})`);
        if (bytes > file.size) {
          fs.rmSync(incomplete); // a server that ignores Range resends from byte 0: start over
          throw new HubError(`${file.path}: the server sent more than the ${file.size} bytes expected`);
        }
        if (bytes !== file.size) throw new HubError(`${file.path}: connection ended after ${bytes} of ${file.size} bytes`);
      }
      break;
    } catch (err) {
      if (err instanceof HubApiError || err instanceof WriteFailure || attempt >= retries) {
        const got = fs.existsSync(incomplete) ? fs.statSync(incomplete).size : 0;
        const e = describeFailure(err, repo, commit, env.endpoint);
        e.message += `; ${got} of ${file.size} bytes of ${file.path} are kept in ${incomplete}: rerun to resume`;
        throw e;
      }
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 1000));
    }
  }
  const hash = createHash(file.sha256 ? 'sha256' : 'sha1');
  if (!file.sha256) hash.update(`blob ${file.size}\0`); // git's blob id
  await hashFile(incomplete, hash);
  const got = hash.digest('hex');
  const want = file.sha256 ?? file.etag;
  if (got !== want) {
    fs.rmSync(incomplete, { force: true });
    throw new HubError(`${repo}: ${file.path} has ${file.sha256 ? 'sha256' : 'git blob id'} ${got}, but the hub says ${want}; the download was deleted, rerun to fetch it again`);
  }
  fs.renameSync(incomplete, blob);
}

function offlineSnapshot(repo: string, revision: string, opts: HubDownloadOptions, env: HubEnv, why: string): HubSnapshot {
  const commit = cachedCommit(env.cacheDir, repo, revision);
  if (!commit) {
    throw new HubError(`${repo}@${revision} is not in the hub cache ${env.cacheDir} (${why}); download it once with network access (or point HF_HUB_CACHE/HF_HOME at a cache that has it)`);
  }
  const dir = snapshotFolder(env.cacheDir, repo, commit);
  const missing = opts.files.filter((f) => !snapshotHas(dir, f));
  if (missing.length) throw new HubError(`${repo}@${revision} (commit ${commit}) in ${env.cacheDir} lacks ${missing.join(', ')} (${why}); download them once with network access`);
  const present = [...opts.files, ...(opts.optionalFiles ?? []).filter((f) => snapshotHas(dir, f))];
  for (const f of present) {
    const size = fs.statSync(path.join(dir, f)).size;
    opts.onProgress?.({ file: f, bytes: size, total: size, cached: true });
  }
  return { repo, revision, commit, dir, files: present.map((f) => ({ path: f, size: fs.statSync(path.join(dir, f)).size, downloaded: false })), fromCacheOnly: true };
}

/**
 * Makes the requested files of hub model `repo` at `revision` available in the Hugging Face cache
 * that Python's huggingface_hub uses (`models--owner--name/{blobs,snapshots,refs}`), downloading only
 * what the cache lacks, and returns the snapshot folder. Online it resolves the revision to a commit
 * (`modelInfo`), lists the files (`pathsInfo`), downloads missing blobs resumably and checks each one's
 * sha256 / git blob id, links them into the snapshot with `downloadFileToCacheDir` and writes
 * `refs/<revision>`. With `HF_HUB_OFFLINE=1` (or when the hub cannot be reached) it uses the cache alone.
 */
export async function downloadHubFiles(repo: string, opts: HubDownloadOptions): Promise<HubSnapshot> {
  if (!isHubId(repo)) throw new HubError(`"${repo}" is not a hub model id (owner/name)`);
  const env = { ...hubEnv(), ...opts.env };
  const revision = opts.revision ?? 'main';
  if (env.offline) return offlineSnapshot(repo, revision, opts, env, opts.offlineReason ?? 'HF_HUB_OFFLINE is set');
  const credentials = env.token ? { accessToken: env.token as `hf_${string}` } : {};
  let commit: string;
  let listed: PathInfo[];
  try {
    commit = isCommitHash(revision)
      ? revision
      : (await modelInfo({ name: repo, revision, additionalFields: ['sha'], hubUrl: env.endpoint, fetch: opts.fetch, ...credentials })).sha;
    if (!commit || !isCommitHash(commit)) throw new HubError(`${repo}@${revision}: the hub did not return a commit id`);
    const wanted = [...opts.files, ...(opts.optionalFiles ?? [])];
    listed = await pathsInfo({ repo, paths: wanted, revision: commit, hubUrl: env.endpoint, fetch: opts.fetch, ...credentials });
  } catch (err) {
    if (!unreachable(err)) throw describeFailure(err, repo, revision, env.endpoint);
    const snap = offlineSnapshot(repo, revision, opts, env, `${env.endpoint} unreachable: ${((err as Error).cause as Error)?.message ?? (err as Error).message}`);
    opts.onNotice?.(`${env.endpoint} is unreachable; using the cached ${repo}@${revision} (commit ${snap.commit})`);
    return snap;
  }
  const remote = new Map(listed.filter((p) => p.type === 'file').map((p) => [p.path, remoteFile(p)]));
  const missing = opts.files.filter((f) => !remote.has(f));
  if (missing.length) throw new HubError(`${repo}@${revision} (commit ${commit}) on ${env.endpoint} has no ${missing.join(', ')}`);

  const folder = repoCacheFolder(env.cacheDir, repo);
  const dir = snapshotFolder(env.cacheDir, repo, commit);
  const files: HubSnapshot['files'] = [];
  for (const f of [...opts.files, ...(opts.optionalFiles ?? [])]) {
    const r = remote.get(f);
    if (!r) continue;
    let downloaded = false;
    if (!snapshotHas(dir, f)) {
      const blob = path.join(folder, 'blobs', r.etag);
      fs.mkdirSync(path.dirname(blob), { recursive: true });
      if (!fs.existsSync(blob) || fs.statSync(blob).size !== r.size) {
        // One downloader per blob across processes (cluster shards that start together); the others wait and reuse it.
        const lock = path.join(env.cacheDir, '.locks', path.basename(folder), `${r.etag}.speechkd.lock`);
        fs.mkdirSync(path.dirname(lock), { recursive: true });
        const delay = opts.retryDelayMs ?? 1000;
        const release = await lockfile.lock(blob, {
          realpath: false, lockfilePath: lock, stale: 30_000, update: 10_000,
          retries: { retries: Math.ceil(3_600_000 / Math.max(delay, 10)), factor: 1, minTimeout: delay, maxTimeout: delay },
        });
        try {
          if (!fs.existsSync(blob) || fs.statSync(blob).size !== r.size) {
            await fetchBlob(repo, commit, r, blob, opts, env);
            downloaded = true;
          }
        } finally {
          await release();
        }
      }
      try {
        await downloadFileToCacheDir({ repo, path: f, revision: commit, cacheDir: env.cacheDir, hubUrl: env.endpoint, fetch: opts.fetch, ...credentials });
      } catch (err) {
        throw describeFailure(err, repo, revision, env.endpoint);
      }
    }
    if (!downloaded) opts.onProgress?.({ file: f, bytes: r.size, total: r.size, cached: true });
    files.push({ path: f, size: r.size, downloaded });
  }
  if (revision !== commit) {
    writeFileAtomic(path.join(folder, 'refs', revision), commit); // no newline, as huggingface_hub writes it
  }
  return { repo, revision, commit, dir, files, fromCacheOnly: false };
}
