/** One transcription in the page, as it shows it and as automation (`window.speechkd.results`) reads it. */
export interface PageResult {
  /** File name, or `microphone`. */
  file: string;
  transcript: string;
  /** (features + network + search) / audio seconds; audio file decoding excluded, as wer-eval does. */
  rtf: number;
  audioSeconds: number;
  /** Milliseconds per stage. */
  timings: { decodeMs: number; featuresMs: number; networkMs: number; searchMs: number };
  /** Model load + this utterance's processing (decode included), for the first transcript after a load; null after. */
  firstTranscriptMs: number | null;
  dtype: 'fp32' | 'fp16' | 'q8';
  threads: number;
  /** Size of the ONNX variant in use. */
  modelBytes: number;
  parameters: number;
  /** e.g. `onnxruntime-web 1.31.0-dev...` */
  engine: string;
  /** The user agent's name and version, e.g. `Chromium 156.0.8078.114`. */
  browser: string;
}

/** What the page exposes as `window.speechkd`. */
export interface PageApi {
  state: 'loading' | 'ready' | 'busy' | 'error';
  error: string | null;
  results: PageResult[];
  /** Model load time (manifest, ONNX file, session) in ms. */
  loadMs: number | null;
  browser: string;
  /** Seconds captured by the recording in progress (or the last one). */
  recordedSeconds: number;
}
