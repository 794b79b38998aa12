import { decodeAudioFile } from '@speechkd/audio-features';
import { DTYPES, loadRecognizer } from '@speechkd/recognizer';
import type { Dtype } from '@speechkd/recognizer';
import { launchChromium } from './chromium.js';
import { runPage } from './page-driver.js';
import type { PageResult } from './page-result.js';
import { resolveModelDir, startServer } from './server.js';

/** One row of the latency table. */
export interface LatencyRow {
  engine: 'onnxruntime-web' | 'onnxruntime-node';
  dtype: Dtype;
  threads: number;
  /** (features + network + search) / audio, summed over the files; the best of the runs. */
  rtf: number;
  /** The same per second of audio, in ms. */
  msPerAudioSecond: number;
  /** Share of the network in that time. */
  networkShare: number;
  /**
   * CPU seconds per audio second over the files (audio decoding included; all threads summed), the best run's:
   * the browser's processes from /proc, or this process for Node. Less disturbed by other load than RTF.
   */
  cpuPerAudioSecond: number | null;
  /** Size of the ONNX variant. */
  modelBytes: number;
  /** Load (manifest, ONNX, session) + first utterance, median of the runs, ms. */
  firstTranscriptMs: number;
  /** Bytes the server sent for one page load (page code, onnxruntime-web, model), brotli where accepted. */
  pageBytes: number | null;
  /** The transcripts of the best run (to compare engines). */
  transcripts: string[];
}

/** Options of `measureLatency`. */
export interface LatencyOptions {
  modelDir: string;
  files: readonly string[];
  dtypes?: readonly Dtype[];
  threads?: readonly number[];
  /** Page loads (and Node loads) per configuration (default 3). */
  runs?: number;
  log?: (line: string) => void;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sums a run's per-file results into RTF and the network's share. */
function summarize(results: ReadonlyArray<Pick<PageResult, 'audioSeconds' | 'timings'>>): { rtf: number; networkShare: number } {
  let audio = 0;
  let work = 0;
  let network = 0;
  for (const r of results) {
    audio += r.audioSeconds;
    work += r.timings.featuresMs + r.timings.networkMs + r.timings.searchMs;
    network += r.timings.networkMs;
  }
  return { rtf: work / 1000 / audio, networkShare: network / work };
}

/**
 * The latency table: every dtype at each thread count, in headless Chromium (the page, onnxruntime-web on
 * WebAssembly) and in onnxruntime-node, on the same files. Each configuration is loaded `runs` times; RTF is the
 * best run's (least disturbed by other processes), time to first transcript the median.
 */
export async function measureLatency(options: LatencyOptions): Promise<{ rows: LatencyRow[]; browser: string }> {
  const dtypes = options.dtypes ?? DTYPES;
  const threads = options.threads ?? [1, 2];
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => undefined);
  const rows: LatencyRow[] = [];
  const server = await startServer({ modelDir: options.modelDir });
  const browser = await launchChromium();
  const browserVersion = browser.version;
  try {
    for (const dtype of dtypes) {
      for (const t of threads) {
        let best: { rtf: number; networkShare: number; transcripts: string[] } | null = null;
        let bestCpu: number | null = null;
        const firsts: number[] = [];
        let pageBytes = 0;
        let modelBytes = 0;
        for (let r = 0; r < runs; r++) {
          server.bytesSent.clear();
          const run = await runPage(browser, server.url, { dtype, threads: t, files: options.files });
          if (r === 0) pageBytes = [...server.bytesSent.values()].reduce((a, b) => a + b, 0);
          const s = summarize(run.results);
          firsts.push(run.results[0].firstTranscriptMs ?? NaN);
          modelBytes = run.results[0].modelBytes;
          if (run.results[0].threads !== t) throw new Error(`the page ran ${run.results[0].threads} threads, asked for ${t} (is it cross-origin isolated?)`);
          if (!best || s.rtf < best.rtf) best = { ...s, transcripts: run.results.map((x) => x.transcript) };
          if (run.cpuSeconds !== null) bestCpu = Math.min(bestCpu ?? Infinity, run.cpuSeconds / run.results.reduce((a, x) => a + x.audioSeconds, 0));
        }
        rows.push({ engine: 'onnxruntime-web', dtype, threads: t, rtf: best!.rtf, msPerAudioSecond: 1000 * best!.rtf, networkShare: best!.networkShare, cpuPerAudioSecond: bestCpu, modelBytes, firstTranscriptMs: median(firsts), pageBytes, transcripts: best!.transcripts });
        log(`[latency] chromium ${browser.version} wasm ${dtype} ${t} thread(s): RTF ${best!.rtf.toFixed(4)}, CPU ${bestCpu === null ? '-' : (1000 * bestCpu).toFixed(1)} ms/s, first transcript ${median(firsts).toFixed(0)} ms`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  for (const dtype of dtypes) {
    for (const t of threads) {
      let best: { rtf: number; networkShare: number; transcripts: string[] } | null = null;
      let bestCpu = Infinity;
      const firsts: number[] = [];
      let modelBytes = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const rec = await loadRecognizer(resolveModelDir(options.modelDir), { dtype, threads: t });
        const loadMs = performance.now() - t0;
        modelBytes = rec.modelBytes;
        const results = [];
        const cpu0 = process.cpuUsage();
        for (const [i, f] of options.files.entries()) {
          const d0 = performance.now();
          const audio = await decodeAudioFile(f);
          const decodeMs = performance.now() - d0;
          const out = await rec.transcribeTimed(audio.samples, audio.sampleRate);
          if (i === 0) firsts.push(loadMs + decodeMs + out.timings.featuresMs + out.timings.networkMs + out.timings.searchMs);
          results.push({ audioSeconds: out.audioSeconds, timings: { decodeMs, ...out.timings }, transcript: out.text });
        }
        const cpu = process.cpuUsage(cpu0);
        await rec.dispose();
        bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6 / results.reduce((a, x) => a + x.audioSeconds, 0));
        const s = summarize(results);
        if (!best || s.rtf < best.rtf) best = { ...s, transcripts: results.map((x) => x.transcript) };
      }
      rows.push({ engine: 'onnxruntime-node', dtype, threads: t, rtf: best!.rtf, msPerAudioSecond: 1000 * best!.rtf, networkShare: best!.networkShare, cpuPerAudioSecond: bestCpu, modelBytes, firstTranscriptMs: median(firsts), pageBytes: null, transcripts: best!.transcripts });
      log(`[latency] onnxruntime-node ${dtype} ${t} thread(s): RTF ${best!.rtf.toFixed(4)}, CPU ${(1000 * bestCpu).toFixed(1)} ms/s, first transcript ${median(firsts).toFixed(0)} ms`);
    }
  }
  return { rows, browser: `Chromium ${browserVersion}` };
}

/** The rows as a Markdown table. */
export function latencyTable(rows: readonly LatencyRow[], browser: string): string {
  const lines = [
    '| engine | dtype | threads | RTF | ms per s of audio | network share | CPU ms per s of audio | model bytes | first transcript (ms) | page bytes sent | transcripts = Node 1 thread |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ref = rows.find((x) => x.engine === 'onnxruntime-node' && x.dtype === r.dtype && x.threads === 1);
    const same = ref ? `${r.transcripts.filter((t, i) => t === ref.transcripts[i]).length}/${r.transcripts.length}` : '-';
    const engine = r.engine === 'onnxruntime-web' ? `${browser}, onnxruntime-web (wasm SIMD)` : 'onnxruntime-node (CPU)';
    lines.push(`| ${engine} | ${r.dtype} | ${r.threads} | ${r.rtf.toFixed(4)} | ${r.msPerAudioSecond.toFixed(1)} | ${(100 * r.networkShare).toFixed(0)}% | ${r.cpuPerAudioSecond === null ? '-' : (1000 * r.cpuPerAudioSecond).toFixed(1)} | ${r.modelBytes.toLocaleString('en-US')} | ${r.firstTranscriptMs.toFixed(0)} | ${r.pageBytes === null ? '-' : r.pageBytes.toLocaleString('en-US')} | ${same} |`);
  }
  return lines.join('\n');
}
