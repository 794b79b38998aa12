import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A local model folder served as hub repository `repo`. */
export interface MirrorRepo {
  /** Hub id, `owner/name`. */
  repo: string;
  /** Folder whose files make up the repository (dot files are left out). */
  dir: string;
  /** Branch/tag names that resolve to the repository's one commit (default `['main']`). */
  revisions?: string[];
}

/** One request the mirror answered. */
export interface MirrorRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
}

/** Test hooks: make the mirror misbehave the way real networks and servers do. */
export interface MirrorFaults {
  /** File path -> { bytes, times }: the next `times` content responses for it stop after `bytes` body bytes and drop the connection. */
  cut: Map<string, { bytes: number; times: number }>;
  /** File paths whose sha256 the mirror misstates (in paths-info, trees and X-Linked-Etag), as a corrupted blob store would. */
  wrongSha256: Set<string>;
}

/** A running mirror. */
export interface HubMirror {
  /** Base URL, e.g. `http://127.0.0.1:40123`: use it as `HF_ENDPOINT`. */
  url: string;
  requests: MirrorRequest[];
  faults: MirrorFaults;
  /** The commit id every revision of `repo` resolves to. */
  commitOf(repo: string): string;
  close(): Promise<void>;
}

interface MirrorFile {
  path: string;
  abs: string;
  size: number;
  gitOid: string;
  sha256: string;
  lfs: boolean;
}

interface ServedRepo {
  repo: string;
  commit: string;
  revisions: Set<string>;
  files: Map<string, MirrorFile>;
}

// Stored in Git LFS on the hub (per the usual .gitattributes), as are files of 10 MiB or more.
const LFS_EXTENSIONS = /\.(onnx|onnx_data|bin|safetensors|pt|pth|h5|msgpack|npz|ot|tflite)$|_data(_\d+)?$/;

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).some((p) => p.startsWith('.')))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function describe(dir: string, rel: string): MirrorFile {
  const abs = path.join(dir, rel);
  const bytes = fs.readFileSync(abs);
  const gitOid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { path: rel, abs, size: bytes.length, gitOid, sha256, lfs: LFS_EXTENSIONS.test(rel) || bytes.length >= 10 * 2 ** 20 };
}

function loadRepo(r: MirrorRepo): ServedRepo {
  if (!fs.existsSync(r.dir)) throw new Error(`hub mirror: ${r.dir} does not exist`);
  const files = new Map(listFiles(r.dir).map((f) => [f, describe(r.dir, f)]));
  const commit = createHash('sha1').update(JSON.stringify([...files.values()].map((f) => [f.path, f.gitOid]))).digest('hex');
  return { repo: r.repo, commit, revisions: new Set(r.revisions ?? ['main']), files };
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'bad' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header) : null;
  if (!m) return undefined;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1;
  return start >= size || start > end ? 'bad' : { start, end };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Serves local folders as Hugging Face hub model repositories on 127.0.0.1, answering the endpoints
 * that `@huggingface/hub` and Python's `huggingface_hub` call: model info (`/api/models/{id}` and
 * `/revision/{rev}`, with `sha` and `siblings`), `tree`, `paths-info` (JSON or form body), and
 * `/{id}/resolve/{rev}/{file}` with `X-Repo-Commit`, `ETag`, and for LFS files `X-Linked-Etag` (sha256)
 * and `X-Linked-Size` plus a redirect to a CDN URL on another host name (`localhost`); content honours `Range`. For tests (faults) and
 * for air-gapped machines that want hub ids to work against a local copy.
 */
export async function startHubMirror(repos: readonly MirrorRepo[], port = 0): Promise<HubMirror> {
  const served = new Map(repos.map((r) => [r.repo, loadRepo(r)]));
  const requests: MirrorRequest[] = [];
  const faults: MirrorFaults = { cut: new Map(), wrongSha256: new Set() };
  let base = '';
  const sha256Of = (f: MirrorFile): string => (faults.wrongSha256.has(f.path) ? createHash('sha256').update(`not ${f.sha256}`).digest('hex') : f.sha256);
  const entry = (f: MirrorFile, expand: boolean, commit: string): Record<string, unknown> => ({
    type: 'file', path: f.path, size: f.size, oid: f.gitOid,
    ...(f.lfs ? { lfs: { oid: sha256Of(f), size: f.size, pointerSize: 134 } } : {}),
    ...(expand ? { lastCommit: { id: commit, title: 'mirror', date: '2026-01-01T00:00:00.000Z' }, securityFileStatus: { status: 'safe' } } : {}),
  });
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const notFound = (res: http.ServerResponse, code: string, message: string): void => json(res, 404, { error: message }, { 'x-error-code': code, 'x-error-message': message });

  const sendContent = (req: http.IncomingMessage, res: http.ServerResponse, f: MirrorFile, headers: http.OutgoingHttpHeaders): void => {
    const range = parseRange(req.headers.range, f.size);
    if (range === 'bad') {
      res.writeHead(416, { 'content-range': `bytes */${f.size}`, ...headers }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: f.size - 1 };
    res.writeHead(range ? 206 : 200, {
      'content-length': end - start + 1, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', ...headers,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${f.size}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = fs.readFileSync(f.abs).subarray(start, end + 1);
    const cut = faults.cut.get(f.path);
    if (cut && cut.times > 0 && end - start + 1 > 1) {
      cut.times--;
      res.write(body.subarray(0, Math.min(cut.bytes, body.length - 1)), () => res.destroy());
      return;
    }
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const p = decodeURIComponent(url.pathname);
    res.on('finish', () => requests.push({ method: req.method ?? '', path: p, range: req.headers.range, status: res.statusCode }));
    res.on('close', () => {
      if (!res.writableFinished) requests.push({ method: req.method ?? '', path: p, range: req.headers.range, status: -1 });
    });
    void handle(req, res, url, p).catch((err: Error) => json(res, 500, { error: err.message }));
  });

  const repoAt = (owner: string, name: string): ServedRepo | undefined => served.get(`${owner}/${name}`);
  const revisionOk = (r: ServedRepo, rev: string): boolean => rev === r.commit || r.revisions.has(rev);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, p: string): Promise<void> {
    let m = /^\/api\/models\/([^/]+)\/([^/]+)(?:\/revision\/(.+))?$/.exec(p);
    if (m && req.method === 'GET') {
      const r = repoAt(m[1], m[2]);
      if (!r) return notFound(res, 'RepoNotFound', `Repository ${m[1]}/${m[2]} not found`);
      if (m[3] && !revisionOk(r, m[3])) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${m[3]}`);
      return json(res, 200, {
        _id: r.commit.slice(0, 24), id: r.repo, modelId: r.repo, author: r.repo.split('/')[0], sha: r.commit, private: false, gated: false,
        disabled: false, downloads: 0, likes: 0, tags: ['onnx', 'transformers.js'], library_name: 'transformers.js',
        lastModified: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z',
        siblings: [...r.files.values()].map((f) => ({ rfilename: f.path, size: f.size, blobId: f.gitOid, ...(f.lfs ? { lfs: { sha256: sha256Of(f), size: f.size, pointerSize: 134 } } : {}) })),
      });
    }
    m = /^\/api\/models\/([^/]+)\/([^/]+)\/(tree|paths-info)\/([^/]+)(?:\/(.*))?$/.exec(p);
    if (m) {
      const r = repoAt(m[1], m[2]);
      if (!r) return notFound(res, 'RepoNotFound', `Repository ${m[1]}/${m[2]} not found`);
      if (!revisionOk(r, m[4])) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${m[4]}`);
      if (m[3] === 'paths-info' && req.method === 'POST') {
        const raw = await readBody(req);
        let paths: string[];
        let expand = false;
        if ((req.headers['content-type'] ?? '').includes('json')) {
          const body = JSON.parse(raw) as { paths: string[]; expand?: boolean };
          paths = body.paths;
          expand = !!body.expand;
        } else {
          const form = new URLSearchParams(raw);
          paths = form.getAll('paths');
          expand = form.get('expand') === 'True' || form.get('expand') === 'true';
        }
        return json(res, 200, paths.flatMap((x) => (r.files.has(x) ? [entry(r.files.get(x)!, expand, r.commit)] : [])));
      }
      if (m[3] === 'tree' && req.method === 'GET') {
        const under = m[5] ? `${m[5].replace(/\/+$/, '')}/` : '';
        const recursive = url.searchParams.get('recursive') === 'true' || url.searchParams.get('recursive') === 'True';
        const expand = url.searchParams.get('expand') === 'true';
        const out: Record<string, unknown>[] = [];
        const dirs = new Set<string>();
        for (const f of r.files.values()) {
          if (!f.path.startsWith(under)) continue;
          const rest = f.path.slice(under.length).split('/');
          if (rest.length === 1 || recursive) out.push(entry(f, expand, r.commit));
          for (let i = 1; i < rest.length && (recursive || i === 1); i++) dirs.add(under + rest.slice(0, i).join('/'));
        }
        for (const d of dirs) out.push({ type: 'directory', path: d, size: 0, oid: createHash('sha1').update(d).digest('hex') });
        return json(res, 200, out);
      }
    }
    m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(p);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const r = repoAt(m[1], m[2]);
      if (!r) return notFound(res, 'RepoNotFound', `Repository ${m[1]}/${m[2]} not found`);
      if (!revisionOk(r, m[3])) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${m[3]}`);
      const f = r.files.get(m[4]);
      if (!f) return notFound(res, 'EntryNotFound', `${m[4]} does not exist on "${m[3]}"`);
      const headers = { 'x-repo-commit': r.commit, etag: `"${f.lfs ? sha256Of(f) : f.gitOid}"` };
      if (f.lfs) {
        // LFS content lives on another host (a CDN): clients take the metadata from this redirect and do not
        // follow it for metadata; `localhost` is that other host here (same server, another host name).
        res.writeHead(302, {
          ...headers, 'x-linked-etag': `"${sha256Of(f)}"`, 'x-linked-size': f.size, 'content-length': 0,
          location: `${base.replace('127.0.0.1', 'localhost')}/cdn/${r.repo.replace('/', '--')}/${f.sha256}`,
        }).end();
        return;
      }
      return sendContent(req, res, f, headers);
    }
    m = /^\/cdn\/([^/]+)\/([0-9a-f]{64})$/.exec(p);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const r = served.get(m[1].replace('--', '/'));
      const f = r && [...r.files.values()].find((x) => x.sha256 === m![2]);
      if (!f) return notFound(res, 'EntryNotFound', 'no such object');
      return sendContent(req, res, f, { etag: `"${f.sha256}"` });
    }
    json(res, 404, { error: `mirror: no route for ${req.method} ${p}` });
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    faults,
    commitOf: (repo) => served.get(repo)?.commit ?? '',
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
