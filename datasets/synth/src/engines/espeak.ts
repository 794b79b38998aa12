import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ESpeakNg from 'espeak-ng';
import type { ESpeakNgInstance, ESpeakNgOptions } from 'espeak-ng';
import { EngineError } from '../errors.js';
import { decodeEngineWav } from '../wav.js';
import type { EngineAudio, VoiceSettings } from './types.js';

let compiled: Promise<WebAssembly.Module> | undefined;
const utf8 = new TextDecoder();

/** Compiles the espeak-ng WASM binary once per thread; every utterance then only instantiates it. */
function espeakModule(): Promise<WebAssembly.Module> {
  if (!compiled) {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve('espeak-ng')), 'espeak-ng.wasm');
    compiled = WebAssembly.compile(fs.readFileSync(file));
  }
  return compiled;
}

/** espeak-ng command-line arguments for one utterance (the npm build is the espeak-ng CLI compiled to WASM). */
export function espeakArgs(settings: VoiceSettings, text: string, outFile: string): string[] {
  const voice = settings.variant ? `${settings.voice}+${settings.variant}` : settings.voice;
  return ['-w', outFile, '-v', voice, '-s', String(settings.rate), '-p', String(settings.pitch), text];
}

/** Whether an embedded espeak-ng data file is needed by the English voices (output is byte-identical without the rest). */
export function neededByEnglish(file: string): boolean {
  const rel = file.replace(/^.*\/espeak-ng-data\//, '');
  if (rel.endsWith('_dict')) return rel === 'en_dict';
  if (rel.startsWith('lang/')) return rel.startsWith('lang/gmw/en');
  if (rel.startsWith('voices/')) return rel.startsWith('voices/!v/'); // variants; voices/mb needs MBROLA, absent here
  return true; // phondata, phonindex, phontab, intonations
}

/**
 * Replacement for the Emscripten glue's embedded-file loader that mounts only the files English voices need:
 * the dictionaries and voices of the other ~130 languages are left out, which saves most of the per-utterance start-up.
 */
function englishOnlyLoader(module: ESpeakNgOptions & Partial<ESpeakNgInstance>): (ptr: number) => void {
  return (ptr: number) => {
    const { HEAPU32: u32, HEAPU8: u8, HEAP8: i8, FS: fs } = module as ESpeakNgInstance;
    do {
      const nameAddr = u32[ptr >> 2];
      const len = u32[(ptr + 4) >> 2];
      const content = u32[(ptr + 8) >> 2];
      ptr += 12;
      let end = nameAddr;
      while (u8[end]) end++;
      const name = utf8.decode(u8.subarray(nameAddr, end));
      if (neededByEnglish(name)) {
        fs.createPath('/', path.posix.dirname(name), true, true);
        fs.createDataFile(name, null, i8.subarray(content, content + len), true, true, true);
      }
    } while (u32[ptr >> 2]);
  };
}

/** Synthesizes `text` with the npm espeak-ng WASM build; output is read back from its virtual file system. */
export async function synthesizeEspeak(settings: VoiceSettings, text: string): Promise<EngineAudio> {
  const module = await espeakModule();
  const errors: string[] = [];
  let exitCode = 0;
  const outFile = '/utterance.wav';
  const label = `espeak-ng (${settings.voice}+${settings.variant})`;
  const options: ESpeakNgOptions = {
    arguments: espeakArgs(settings, text, outFile),
    thisProgram: 'espeak-ng',
    print: () => {},
    printErr: (line: string) => {
      if (!line.startsWith('program exited')) errors.push(line);
    },
    // Emscripten's default quit handler sets process.exitCode; keep the status to ourselves instead.
    quit: (code: number, toThrow: unknown) => {
      exitCode = code;
      throw toThrow;
    },
    instantiateWasm(imports, done) {
      // espeak-ng seeds its noise generator from the clock; a frozen clock makes the audio reproducible.
      const env = {
        ...(imports.env as Record<string, unknown>),
        emscripten_date_now: () => 0,
        emscripten_get_now: () => 0,
        _emscripten_fs_load_embedded_files: englishOnlyLoader(options),
      };
      WebAssembly.instantiate(module, { ...imports, env } as WebAssembly.Imports).then((inst) => done(inst, module));
      return {};
    },
  };
  // The glue's virtual file system throws (and catches) hundreds of errors while it starts; their stack traces
  // cost more than the synthesis itself, so they are switched off for the duration of the call.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let instance: ESpeakNgInstance;
  try {
    instance = await ESpeakNg(options);
  } catch (err) {
    throw new EngineError(`${label}: ${(err as Error).message}`);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  let bytes: Uint8Array;
  try {
    bytes = instance.FS.readFile(outFile) as Uint8Array;
  } catch {
    throw new EngineError(`${label} exited with status ${exitCode} and wrote no audio: ${errors.join(' ') || 'no message'}`);
  }
  const audio = decodeEngineWav(bytes, label);
  if (audio.samples.length === 0) throw new EngineError(`${label} produced no samples for "${text}"`);
  return audio;
}
