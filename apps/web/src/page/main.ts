// The page: loads a model folder with @speechkd/recognizer's browser entry (onnxruntime-web, WebAssembly),
// transcribes a recording or WAV/FLAC files, and shows the transcript, the model and the time of each stage.
// `window.speechkd` exposes the same results to automation (the Chromium test and browser-check).
import { decodeAudio } from '@speechkd/audio-features';
import { DTYPES, configureOrtWeb, filesSource, loadRecognizer, parseDtype } from '@speechkd/recognizer';
import type { Dtype, ModelRecognizer, ModelSource } from '@speechkd/recognizer';
import { startRecording } from './recorder.js';
import type { Recording } from './recorder.js';
import type { PageApi, PageResult } from '../page-result.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const api: PageApi = { state: 'loading', error: null, results: [], loadMs: null, browser: '', recordedSeconds: 0 };
(window as unknown as { speechkd: PageApi }).speechkd = api;

let recognizer: ModelRecognizer | null = null;
let loadMs = 0;
let firstPending = true;
let threads = 1;

function setState(state: PageApi['state'], status: string): void {
  api.state = state;
  document.body.dataset.state = state;
  $('status').textContent = status;
  const ready = state === 'ready';
  $<HTMLButtonElement>('record').disabled = !ready && !recording;
  $<HTMLInputElement>('audio-file').disabled = !ready;
}

/** "Chromium 156.0.8078.114": the browser's name and full version from User-Agent Client Hints, else the UA string. */
async function browserName(): Promise<string> {
  const uaData = (navigator as Navigator & { userAgentData?: { getHighEntropyValues(h: string[]): Promise<{ fullVersionList?: Array<{ brand: string; version: string }> }> } }).userAgentData;
  if (uaData) {
    const { fullVersionList = [] } = await uaData.getHighEntropyValues(['fullVersionList']);
    const real = fullVersionList.filter((b) => !/not.a.brand/i.test(b.brand));
    const pick = real.find((b) => b.brand === 'Chromium') ?? real[0];
    if (pick) return `${pick.brand} ${pick.version}`;
  }
  const m = /(Firefox|Chrome|HeadlessChrome|Version)\/([\d.]+)/.exec(navigator.userAgent);
  return m ? `${m[1] === 'Version' ? 'Safari' : m[1]} ${m[2]}` : navigator.userAgent;
}

const fmt = (ms: number): string => ms.toFixed(1);

/** Loads the model folder (a URL, or files the user picked) at the page's dtype and thread count. */
async function load(source: string | ModelSource, dtype: Dtype): Promise<void> {
  setState('loading', 'loading the model...');
  const t0 = performance.now();
  try {
    await recognizer?.dispose();
    recognizer = await loadRecognizer(source, { dtype });
  } catch (err) {
    api.error = (err as Error).message;
    setState('error', `cannot load the model: ${api.error}`);
    return;
  }
  loadMs = performance.now() - t0;
  api.loadMs = loadMs;
  firstPending = true;
  const m = recognizer.manifest;
  $('model-name').textContent = m.name;
  $('model-params').textContent = `${(m.parameters / 1e6).toFixed(2)} M (${m.parameters.toLocaleString('en-US')})`;
  $('model-dtype').textContent = dtype;
  $('model-size').textContent = `${(recognizer.modelBytes / 1e6).toFixed(2)} MB (${recognizer.modelBytes.toLocaleString('en-US')} bytes)`;
  $('engine').textContent = `${recognizer.engineName}, WebAssembly SIMD, ${threads} thread${threads > 1 ? 's' : ''}`;
  $('load-ms').textContent = `${fmt(loadMs)} ms`;
  const select = $<HTMLSelectElement>('dtype');
  select.replaceChildren(...DTYPES.filter((d) => m.onnx.variants[d]).map((d) => new Option(`${d} (${(m.onnx.variants[d]!.bytes / 1e6).toFixed(2)} MB)`, d, d === dtype, d === dtype)));
  setState('ready', 'ready: record or open a WAV/FLAC file');
}

/** Transcribes decoded audio and shows the result. */
async function transcribe(file: string, samples: Float32Array, sampleRate: number, decodeMs: number): Promise<PageResult> {
  const r = await recognizer!.transcribeTimed(samples, sampleRate);
  const work = r.timings.featuresMs + r.timings.networkMs + r.timings.searchMs;
  const result: PageResult = {
    file,
    transcript: r.text,
    rtf: work / 1000 / r.audioSeconds,
    audioSeconds: r.audioSeconds,
    timings: { decodeMs, ...r.timings },
    firstTranscriptMs: firstPending ? loadMs + decodeMs + work : null,
    dtype: recognizer!.dtype,
    threads,
    modelBytes: recognizer!.modelBytes,
    parameters: recognizer!.manifest.parameters,
    engine: recognizer!.engineName,
    browser: api.browser,
  };
  firstPending = false;
  $('transcript').textContent = r.text || '(nothing recognized)';
  $('t-decode').textContent = fmt(decodeMs);
  $('t-features').textContent = fmt(r.timings.featuresMs);
  $('t-network').textContent = fmt(r.timings.networkMs);
  $('t-search').textContent = fmt(r.timings.searchMs);
  $('t-audio').textContent = `${(r.audioSeconds * 1000).toFixed(0)} (${r.audioSeconds.toFixed(2)} s)`;
  $('t-rtf').textContent = result.rtf.toFixed(4);
  if (result.firstTranscriptMs !== null) $('t-first').textContent = fmt(result.firstTranscriptMs);
  const item = document.createElement('li');
  item.textContent = `${file}: "${r.text}" (RTF ${result.rtf.toFixed(4)}, ${r.audioSeconds.toFixed(2)} s)`;
  $('history').prepend(item);
  api.results.push(result);
  return result;
}

/** Decodes and transcribes picked WAV/FLAC files one after the other. */
async function transcribeFiles(files: FileList): Promise<void> {
  for (const f of Array.from(files)) {
    setState('busy', `transcribing ${f.name}...`);
    try {
      const t0 = performance.now();
      const audio = await decodeAudio(new Uint8Array(await f.arrayBuffer()), f.name);
      await transcribe(f.name, audio.samples, audio.sampleRate, performance.now() - t0);
    } catch (err) {
      api.error = (err as Error).message;
      setState('error', api.error);
      return;
    }
  }
  setState('ready', `done: ${files.length} file${files.length > 1 ? 's' : ''}`);
}

let recording: Recording | null = null;

async function toggleRecording(): Promise<void> {
  const button = $<HTMLButtonElement>('record');
  if (!recording) {
    try {
      api.recordedSeconds = 0;
      recording = await startRecording((sec) => {
        api.recordedSeconds = sec;
        $('status').textContent = `recording ${sec.toFixed(1)} s... press stop to transcribe`;
      });
    } catch (err) {
      api.error = `microphone: ${(err as Error).message}`;
      setState('error', api.error);
      return;
    }
    button.textContent = 'stop';
    button.classList.add('recording');
    setState('busy', 'recording... press stop to transcribe');
    return;
  }
  const { samples, sampleRate } = await recording.stop();
  recording = null;
  button.textContent = 'record';
  button.classList.remove('recording');
  setState('busy', 'transcribing the recording...');
  await transcribe('microphone', samples, sampleRate, 0);
  setState('ready', 'ready: record or open a WAV/FLAC file');
}

async function main(): Promise<void> {
  api.browser = await browserName();
  let dtype: Dtype;
  try {
    dtype = parseDtype(params.get('dtype') ?? 'q8', 'dtype (URL parameter)');
  } catch (err) {
    api.error = (err as Error).message;
    setState('error', api.error);
    return;
  }
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (the server's COOP/COEP headers).
  const maxThreads = crossOriginIsolated ? Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1)) : 1;
  threads = Math.min(Math.max(1, Number(params.get('threads') ?? 1) || 1), maxThreads);
  configureOrtWeb({ wasmPaths: new URL('./ort/', location.href).href, numThreads: threads });
  $('isolation').textContent = crossOriginIsolated
    ? `cross-origin isolated: up to ${maxThreads} threads`
    : 'not cross-origin isolated: one thread (serve with COOP/COEP headers for more)';
  const threadSelect = $<HTMLSelectElement>('threads');
  threadSelect.replaceChildren(...Array.from({ length: maxThreads }, (_, i) => new Option(String(i + 1), String(i + 1), i + 1 === threads, i + 1 === threads)));
  const reload = (key: string, value: string): void => {
    const next = new URLSearchParams(location.search);
    next.set(key, value);
    location.search = next.toString(); // onnxruntime-web's thread count is fixed once it has started
  };
  threadSelect.onchange = () => reload('threads', threadSelect.value);
  $<HTMLSelectElement>('dtype').onchange = (e) => reload('dtype', (e.target as HTMLSelectElement).value);
  $<HTMLInputElement>('audio-file').onchange = (e) => {
    const input = e.target as HTMLInputElement;
    if (input.files?.length) void transcribeFiles(input.files).finally(() => (input.value = ''));
  };
  $<HTMLInputElement>('model-folder').onchange = (e) => {
    const files = (e.target as HTMLInputElement).files;
    if (files?.length) void load(filesSource(Array.from(files), files[0].webkitRelativePath.split('/')[0] || 'picked folder'), dtype);
  };
  $('record').onclick = () => void toggleRecording();
  await load(params.get('model') ?? './model/', dtype);
}

void main();
