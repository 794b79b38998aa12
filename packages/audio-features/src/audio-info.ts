import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { AudioFormat } from './decoded-audio.js';
import { sniffAudioFormat } from './decode.js';
import { decodeAudioFile } from './decode-file.js';
import { checkAudioHeader } from './audio-limits.js';
import type { AudioLimits } from './audio-limits.js';
import { AudioDecodeError } from './errors.js';
import { id3v2Length, parseFlacStreamInfo } from './flac-header.js';

/** Header facts about an audio file, read without decoding the samples. */
export interface AudioInfo {
  format: AudioFormat;
  /** Sample rate in Hz. */
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  numSamples: number;
  /** Seconds (`numSamples / sampleRate`). */
  duration: number;
}

const HEAD_BYTES = 4096;

/**
 * Reads only the header of a WAV (fmt/data chunk headers) or FLAC (STREAMINFO) file. A FLAC stream
 * whose STREAMINFO gives no sample count is decoded as a fallback. The sample rate, the duration and
 * (WAV) the data size against the file size are checked (`limits`, default `AUDIO_LIMITS`).
 */
export async function readAudioInfo(path: string, limits: Partial<AudioLimits> = {}): Promise<AudioInfo> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new AudioDecodeError(path, `cannot open file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new AudioDecodeError(path, 'empty file (zero bytes)');
    const head = await readAt(fh, 0, HEAD_BYTES);
    const sniffed = sniffAudioFormat(head);
    if (!sniffed) throw new AudioDecodeError(path, 'unrecognized audio format; expected WAV (RIFF…WAVE) or FLAC (fLaC)');
    if (sniffed.format === 'wav') return await wavInfo(fh, head, size, path, limits);
    let bytes = head;
    const off = id3v2Length(head);
    if (head.length < off + 42) bytes = await readAt(fh, 0, off + 42);
    const info = parseFlacStreamInfo(bytes, off);
    if (typeof info === 'string') throw new AudioDecodeError(path, info);
    checkAudioHeader(path, info.sampleRate, info.totalSamples || undefined, limits);
    let numSamples = info.totalSamples;
    if (numSamples === 0) numSamples = (await decodeAudioFile(path, limits)).samples.length;
    return { format: 'flac', sampleRate: info.sampleRate, channels: info.channels, numSamples, duration: numSamples / info.sampleRate };
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Walks RIFF chunk headers with positioned reads until "fmt " and "data" are both seen. */
async function wavInfo(fh: FileHandle, head: Uint8Array, size: number, path: string, limits: Partial<AudioLimits>): Promise<AudioInfo> {
  const big = head[3] === 0x58; // RIFX
  const rf64 = head[0] === 0x52 && head[1] === 0x46 && head[2] === 0x36;
  let pos = 12;
  let channels = 0;
  let sampleRate = 0;
  let blockAlign = 0;
  let ds64DataSize = -1;
  while (pos + 8 <= size) {
    const hdr = await readAt(fh, pos, 8);
    if (hdr.length < 8) break;
    const view = new DataView(hdr.buffer, hdr.byteOffset, 8);
    const id = String.fromCharCode(...hdr.subarray(0, 4));
    const len = view.getUint32(4, !big);
    if (id === 'fmt ' || id === 'ds64') {
      const body = await readAt(fh, pos + 8, Math.min(len, 40));
      const v = new DataView(body.buffer, body.byteOffset, body.length);
      if (id === 'fmt ') {
        if (body.length < 16) throw new AudioDecodeError(path, 'truncated WAV fmt chunk');
        channels = v.getUint16(2, !big);
        sampleRate = v.getUint32(4, !big);
        blockAlign = v.getUint16(12, !big);
      } else if (body.length >= 24) {
        ds64DataSize = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
      }
    } else if (id === 'data') {
      if (!(channels > 0 && sampleRate > 0 && blockAlign > 0)) throw new AudioDecodeError(path, 'WAV data chunk before a valid fmt chunk');
      const available = size - pos - 8;
      const declared = rf64 && len === 0xffffffff && ds64DataSize >= 0 ? ds64DataSize : len;
      if (declared > available) throw new AudioDecodeError(path, `truncated WAV: data chunk declares ${declared} bytes but only ${available} are present`);
      const numSamples = Math.floor(declared / blockAlign);
      checkAudioHeader(path, sampleRate, numSamples, limits);
      return { format: 'wav', sampleRate, channels, numSamples, duration: numSamples / sampleRate };
    }
    pos += 8 + len + (len & 1);
  }
  throw new AudioDecodeError(path, 'no "data" chunk found in WAV file');
}
