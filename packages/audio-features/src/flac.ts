import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { createMD5 } from 'hash-wasm';
import type { DecodedAudio } from './decoded-audio.js';
import { AudioDecodeError } from './errors.js';
import { checkAudioHeader } from './audio-limits.js';
import type { AudioLimits } from './audio-limits.js';
import { parseFlacStreamInfo } from './flac-header.js';

let decoder: FLACDecoder | undefined;
let dirty = false;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` with the shared wasm decoder, one call at a time (the decoder is stateful). `decodeFile`
 * re-initializes the decoder after each file itself, so an explicit reset is only needed after a failure.
 */
function withDecoder<T>(fn: (d: FLACDecoder) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    if (!decoder) {
      decoder = new FLACDecoder();
      await decoder.ready;
    } else if (dirty) {
      await decoder.reset();
    }
    dirty = true;
    const result = await fn(decoder);
    dirty = false;
    return result;
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Decodes a FLAC stream (starting at `offset`, the "fLaC" marker) bit-exactly to mono in [-1, 1):
 * integer samples are recovered from the decoder's float output, then scaled by 2^(bits-1); the
 * STREAMINFO sample count and MD5 signature are checked so truncated or corrupt files fail.
 */
export async function decodeFlac(bytes: Uint8Array, source: string, offset = 0, limits: Partial<AudioLimits> = {}): Promise<DecodedAudio> {
  const info = parseFlacStreamInfo(bytes, offset);
  if (typeof info === 'string') throw new AudioDecodeError(source, info);
  checkAudioHeader(source, info.sampleRate, info.totalSamples || undefined, limits);
  if (info.bitsPerSample > 24) throw new AudioDecodeError(source, `unsupported FLAC bit depth ${info.bitsPerSample} (at most 24)`);
  if (info.totalSamples === 0 && bytes.length <= info.end) throw new AudioDecodeError(source, 'FLAC stream holds no samples (zero-length audio)');
  const decoded = await withDecoder((d) => d.decodeFile(offset === 0 ? bytes : bytes.subarray(offset)));
  const n = decoded.samplesDecoded;
  if (decoded.errors.length > 0) throw new AudioDecodeError(source, `corrupt FLAC: ${decoded.errors[0].message}`);
  if (n === 0) throw new AudioDecodeError(source, 'FLAC stream decoded to no samples (zero-length or corrupt audio)');
  if (info.totalSamples !== 0 && n !== info.totalSamples) {
    throw new AudioDecodeError(source, `truncated or corrupt FLAC: decoded ${n} samples, STREAMINFO declares ${info.totalSamples}`);
  }
  const channels = decoded.channelData.length;
  const bits = decoded.bitDepth;
  const neg = 2 ** (bits - 1);
  const pos = neg - 1; // the decoder divides by 2^(b-1) or by 2^(b-1)-1; the exact float tells which
  const invNeg = 1 / neg;
  const out = new Float32Array(n);
  // Integer samples, interleaved, in the byte layout the STREAMINFO MD5 covers (little-endian).
  const width = Math.ceil(bits / 8);
  const pcm = new Uint8Array(n * channels * width);
  const fast16 = width === 2 && LITTLE_ENDIAN;
  const pcm16 = fast16 ? new Int16Array(pcm.buffer, pcm.byteOffset, n * channels) : undefined;
  const view = new DataView(pcm.buffer);
  const invMix = 1 / (neg * channels);
  for (let c = 0; c < channels; c++) {
    const src = decoded.channelData[c];
    for (let i = 0; i < n; i++) {
      const v = src[i];
      let a = Math.round(v * neg);
      if (Math.fround(a * invNeg) !== v) a = Math.round(v * pos);
      if (pcm16) pcm16[i * channels + c] = a;
      else writeIntLE(view, (i * channels + c) * width, a, width);
      if (channels === 1) out[i] = a * invNeg;
      else out[i] += a * invMix;
    }
  }
  await checkMd5(info.md5, pcm, source);
  return { samples: out, sampleRate: decoded.sampleRate };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes a signed little-endian integer of 1-4 bytes (Buffer.writeIntLE without Node's Buffer). */
function writeIntLE(view: DataView, offset: number, value: number, width: number): void {
  for (let k = 0; k < width; k++) view.setUint8(offset + k, (value >> (8 * k)) & 0xff);
}

/**
 * Compares the STREAMINFO MD5 (of interleaved little-endian samples) with the decoded audio. MD5 comes from
 * hash-wasm rather than node:crypto so decoding also runs in a browser (about 1.5x node:crypto's time here).
 */
async function checkMd5(expected: Uint8Array, pcm: Uint8Array, source: string): Promise<void> {
  if (expected.every((b) => b === 0)) return;
  const hasher = await createMD5();
  hasher.init();
  hasher.update(pcm);
  const actual = hasher.digest('binary');
  if (actual.some((b, i) => b !== expected[i])) {
    throw new AudioDecodeError(source, 'corrupt FLAC: decoded audio does not match the MD5 signature in STREAMINFO');
  }
}
