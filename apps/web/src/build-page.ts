// Builds the page into dist/site: esbuild bundles src/page/main.ts with the packages' browser entries
// (package.json `exports` condition `browser`: no Node API, no tfjs), onnxruntime-web's loader and WebAssembly
// are copied beside it (served by the page itself, never from a CDN), and the large files get a brotli copy.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { SITE_DIR } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pageSrc = path.join(here, '..', 'src', 'page');
const site = SITE_DIR;
const ortDist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
/** onnxruntime-web's WebAssembly build (SIMD + threads) and the loaders the page imports (import map in index.html). */
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

fs.rmSync(site, { recursive: true, force: true });
fs.mkdirSync(path.join(site, 'ort'), { recursive: true });
const result = await esbuild.build({
  entryPoints: [path.join(pageSrc, 'main.ts')],
  outfile: path.join(site, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['browser'],
  // wavefile's "module" build has no default export; its "main" (UMD) build is what Node loads too.
  alias: { wavefile: 'wavefile/dist/wavefile.js' },
  external: ['onnxruntime-web/wasm'],
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(pageSrc, f), path.join(site, f));
for (const f of ORT_FILES) fs.copyFileSync(path.join(ortDist, f), path.join(site, 'ort', f));
// Node-only modules must not reach the bundle: fail the build if one did.
const nodeInputs = Object.keys(result.metafile.inputs).filter((i) => /(^|\/)node:|tfjs/.test(i));
if (nodeInputs.length > 0) throw new Error(`build-page: the page bundle pulls in Node-only or tfjs modules: ${nodeInputs.join(', ')}`);
// Brotli copies (quality 9: 1.6 s for the 14 MB WebAssembly here; 11 saves 13% more but takes 26 s).
for (const f of ['app.js', 'ort/ort.wasm.min.mjs', 'ort/ort-wasm-simd-threaded.mjs', 'ort/ort-wasm-simd-threaded.wasm']) {
  const file = path.join(site, f);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(fs.readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }));
}
const size = (f: string): number => fs.statSync(path.join(site, f)).size;
process.stderr.write(`[web] built ${site}: app.js ${size('app.js')} bytes, ort wasm ${size('ort/ort-wasm-simd-threaded.wasm')} bytes (brotli ${size('ort/ort-wasm-simd-threaded.wasm.br')})\n`);
