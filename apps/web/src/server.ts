import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { RECOGNIZER_MANIFEST, manifestFiles, parseManifest } from '@speechkd/recognizer';
import type { RecognizerManifest } from '@speechkd/recognizer';
import { WebError } from './web-error.js';

/** The built page (dist/site, written by build-page.js), from dist/ or (under vitest) src/. */
export const SITE_DIR: string = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'site');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * Headers every response carries: cross-origin isolation (COOP + COEP), which onnxruntime-web's threads need
 * (SharedArrayBuffer), and no caching (a rebuilt page or re-exported model is picked up at once).
 */
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
};

/** Options of `startServer`. */
export interface ServerOptions {
  /** The model folder served at /model/ (only the files its recognizer.json lists), or a training run holding it in final/. */
  modelDir: string;
  /** Port (0: any free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: this machine only). */
  host?: string;
}

/** A running page server. */
export interface PageServer {
  /** Base URL, e.g. http://127.0.0.1:8023/ */
  url: string;
  /** The folder served (after `resolveModelDir`). */
  modelDir: string;
  manifest: RecognizerManifest;
  /** Body bytes sent so far (after compression), by request path. */
  bytesSent: Map<string, number>;
  close(): Promise<void>;
}

/**
 * The model folder `dir` names: `dir` itself when it holds recognizer.json, else a training run's `final/`
 * (then `best/`), so `--model runs/default/student-kd` works.
 */
export function resolveModelDir(dir: string): string {
  for (const d of [dir, path.join(dir, 'final'), path.join(dir, 'best')]) if (fs.existsSync(path.join(d, RECOGNIZER_MANIFEST))) return d;
  return dir;
}

/** Reads and validates the folder's recognizer.json; errors say how to make one. */
export function readModelFolder(modelDir: string): RecognizerManifest {
  const file = path.join(modelDir, RECOGNIZER_MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const old = fs.existsSync(path.join(modelDir, 'model.json')) ? `; ${modelDir} is a training bundle from before model folders: speechkd-train export --model ${modelDir} makes it one` : '';
    throw new WebError(`--model ${modelDir}: cannot read ${RECOGNIZER_MANIFEST} (${(err as NodeJS.ErrnoException).code ?? err}); pass a model folder (a training run or its final/, or export one with speechkd-train export --model DIR)${old}`);
  }
  try {
    return parseManifest(JSON.parse(text), file);
  } catch (err) {
    throw new WebError(`--model ${modelDir}: ${(err as Error).message}`);
  }
}

/**
 * Serves the built page and one model folder on `host:port` with COOP/COEP headers. Static files come from
 * dist/site (with their brotli copies when the browser accepts br); /model/<file> serves only the files the
 * folder's manifest names (brotli-compressed on first request, kept in memory). Everything else is 404.
 */
export async function startServer(options: ServerOptions): Promise<PageServer> {
  if (!fs.existsSync(path.join(SITE_DIR, 'index.html'))) throw new WebError(`${SITE_DIR}: the page is not built; run npm run build`);
  const modelDir = resolveModelDir(options.modelDir);
  const manifest = readModelFolder(modelDir);
  const modelFiles = new Set(manifestFiles(manifest));
  const compressed = new Map<string, Buffer>();
  const bytesSent = new Map<string, number>();

  const send = (res: http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string, urlPath: string): void => {
    res.writeHead(status, { ...HEADERS, ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
    bytesSent.set(urlPath, (bytesSent.get(urlPath) ?? 0) + Buffer.byteLength(body));
  };

  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse, file: string, urlPath: string, model: boolean): void => {
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const br = /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (br && !model && fs.existsSync(`${file}.br`)) {
      send(res, 200, { 'Content-Type': type, 'Content-Encoding': 'br', Vary: 'Accept-Encoding' }, fs.readFileSync(`${file}.br`), urlPath);
      return;
    }
    const body = fs.readFileSync(file);
    if (br && model && body.length > 1024) {
      const key = `${file}:${fs.statSync(file).mtimeMs}`;
      let z = compressed.get(key);
      if (!z) {
        z = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6 } });
        compressed.set(key, z);
      }
      send(res, 200, { 'Content-Type': type, 'Content-Encoding': 'br', Vary: 'Accept-Encoding' }, z, urlPath);
      return;
    }
    send(res, 200, { 'Content-Type': type }, body, urlPath);
  };

  const server = http.createServer((req, res) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      send(res, 400, { 'Content-Type': 'text/plain' }, 'bad request\n', '?');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }, 'method not allowed\n', urlPath);
      return;
    }
    try {
      if (urlPath.startsWith('/model/')) {
        const rel = urlPath.slice('/model/'.length);
        if (!modelFiles.has(rel)) send(res, 404, { 'Content-Type': 'text/plain' }, `not a file of the model folder: ${rel}\n`, urlPath);
        else serveFile(req, res, path.join(modelDir, rel), urlPath, true);
        return;
      }
      const rel = urlPath === '/' ? 'index.html' : urlPath.slice(1);
      const file = path.resolve(SITE_DIR, rel);
      if (!file.startsWith(`${SITE_DIR}${path.sep}`) || rel.endsWith('.br') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        send(res, 404, { 'Content-Type': 'text/plain' }, 'not found\n', urlPath);
        return;
      }
      serveFile(req, res, file, urlPath, false);
    } catch (err) {
      send(res, 500, { 'Content-Type': 'text/plain' }, `${(err as Error).message}\n`, urlPath);
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new WebError(`--port ${options.port}: already in use on ${host}; pick another port`) : err),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    modelDir,
    manifest,
    bytesSent,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
