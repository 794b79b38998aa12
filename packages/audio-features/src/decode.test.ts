import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleAudioPath } from '@speechkd/fixtures';
import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { readAudioInfo } from './audio-info.js';
import { decodeAudio } from './decode.js';
import { decodeAudioFile } from './decode-file.js';
import { AudioDecodeError } from './errors.js';

const flacGolden = JSON.parse(readFileSync(new URL('../test/golden/flac-pcm.json', import.meta.url), 'utf8')) as {
  files: Record<string, { numSamples: number; sha256: string }>;
};

const fixturePath = (rel: string): string => {
  const [subset, name] = rel.split('/');
  const [id, ext] = name.split('.');
  return sampleAudioPath(subset, id, ext as 'flac' | 'wav');
};

/** A WAV built by wavefile from int samples (`channels` interleaved arrays). */
function makeWav(channels: number[][], rate: number, bitDepth: string): Uint8Array {
  const w = new wavefile.WaveFile();
  w.fromScratch(channels.length, rate, bitDepth, channels.length === 1 ? channels[0] : channels);
  return w.toBuffer();
}

describe('decodeAudio / decodeAudioFile', () => {
  it('FLAC fixtures decode bit-exactly (sha256 of int16 PCM equals reference `flac -d`)', async () => {
    const entries = Object.entries(flacGolden.files);
    expect(entries.length).toBe(21);
    for (const [rel, ref] of entries) {
      const { samples, sampleRate } = await decodeAudioFile(fixturePath(rel));
      expect(sampleRate).toBe(16000);
      expect(samples.length).toBe(ref.numSamples);
      const pcm = Int16Array.from(samples, (v) => v * 32768);
      expect(createHash('sha256').update(new Uint8Array(pcm.buffer)).digest('hex')).toBe(ref.sha256);
    }
  });

  it('16-bit WAV fixture decodes to int16/32768; format is sniffed from bytes, not the name', async () => {
    const path = fixturePath('test-clean/61-70968-0002.wav');
    const bytes = readFileSync(path);
    const { samples, sampleRate } = await decodeAudio(bytes, 'renamed.flac');
    expect(sampleRate).toBe(16000);
    const ints = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length));
    expect(samples.length).toBe(ints.length);
    for (let i = 0; i < ints.length; i += 97) expect(samples[i]).toBe(ints[i] / 32768);
  });

  it('WAV 8/16/24/32-bit PCM, 32/64-bit float, A-law, mu-law and stereo downmix', async () => {
    const cases: [string, number[], number[]][] = [
      ['8', [0, 128, 255, 64], [-1, 0, 127 / 128, -0.5]],
      ['16', [0, 16384, -32768, 32767], [0, 0.5, -1, 32767 / 32768]],
      ['24', [4194304, -8388608, 1, 0], [0.5, -1, 2 ** -23, 0]],
      ['32', [1073741824, -2147483648, 0, 2147483647], [0.5, -1, 0, Math.fround(2147483647 / 2147483648)]],
      ['32f', [0.25, -0.5, 0.75, -1], [0.25, -0.5, 0.75, -1]],
      ['64', [0.125, -0.25, 0.5, 0.999], [0.125, -0.25, 0.5, Math.fround(0.999)]],
    ];
    for (const [depth, input, expected] of cases) {
      const { samples } = await decodeAudio(makeWav([input], 8000, depth), `wav-${depth}`);
      expect(Array.from(samples)).toEqual(expected.map(Math.fround));
    }
    const stereo = await decodeAudio(makeWav([[16384, 0], [0, -32768]], 8000, '16'));
    expect(Array.from(stereo.samples)).toEqual([0.25, -0.5]);
    for (const method of ['toALaw', 'toMuLaw'] as const) {
      const w = new wavefile.WaveFile();
      w.fromScratch(1, 8000, '16', [0, 8000, -8000, 16000]);
      w[method]();
      const { samples } = await decodeAudio(w.toBuffer(), method);
      [0, 8000, -8000, 16000].forEach((v, i) => expect(Math.abs(samples[i] - v / 32768)).toBeLessThan(0.01));
    }
  });

  it('WAVE_FORMAT_EXTENSIBLE (sox: 3-channel 24-bit PCM, stereo float) equals sox\'s channel-average downmix', async () => {
    const golden = JSON.parse(readFileSync(new URL('../test/golden/wav-extensible.json', import.meta.url), 'utf8')) as { files: Record<string, number[]> };
    for (const [name, expected] of Object.entries(golden.files)) {
      const path = fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
      const { samples } = await decodeAudioFile(path);
      expect(samples.length).toBe(expected.length);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(samples[i] - expected[i])).toBeLessThan(1e-7);
      expect((await readAudioInfo(path)).numSamples).toBe(expected.length);
    }
  });

  it('readAudioInfo reads headers of WAV and FLAC', async () => {
    const flac = await readAudioInfo(fixturePath('test-other/1688-142285-0000.flac'));
    expect(flac).toEqual({ format: 'flac', sampleRate: 16000, channels: 1, numSamples: 240000, duration: 15 });
    const wavPath = fixturePath('test-clean/61-70968-0002.wav');
    const wav = await readAudioInfo(wavPath);
    expect(wav).toMatchObject({ format: 'wav', sampleRate: 16000, channels: 1 });
    expect(wav.numSamples).toBe((await decodeAudioFile(wavPath)).samples.length);
    const dir = mkdtempSync(join(tmpdir(), 'audio-info-'));
    writeFileSync(join(dir, 'stereo.wav'), makeWav([[1, 2, 3], [4, 5, 6]], 22050, '24'));
    expect(await readAudioInfo(join(dir, 'stereo.wav'))).toEqual({ format: 'wav', sampleRate: 22050, channels: 2, numSamples: 3, duration: 3 / 22050 });
  });
});

describe('bad audio input: typed AudioDecodeError naming the source', () => {
  const flacBytes = (): Uint8Array => new Uint8Array(readFileSync(fixturePath('test-other/1688-142285-0002.flac')));
  const wavBytes = (): Uint8Array => new Uint8Array(readFileSync(fixturePath('test-clean/61-70968-0002.wav')));

  it('truncated FLAC', async () => {
    const b = flacBytes();
    await expect(decodeAudio(b.subarray(0, b.length >> 1), 'cut.flac')).rejects.toThrow(/cut\.flac: truncated or corrupt FLAC/);
  });
  it('corrupt FLAC (flipped bytes inside the frames) fails the MD5 / sample-count check', async () => {
    const b = flacBytes().slice();
    for (let i = 20000; i < 20400; i++) b[i] ^= 0x5a;
    await expect(decodeAudio(b, 'bad.flac')).rejects.toThrow(AudioDecodeError);
  });
  it('FLAC header only (zero-length audio) and a broken STREAMINFO', async () => {
    await expect(decodeAudio(flacBytes().subarray(0, 42), 'hdr.flac')).rejects.toThrow(/hdr\.flac: .*no samples/);
    await expect(decodeAudio(flacBytes().subarray(0, 20), 'short.flac')).rejects.toThrow(/short\.flac: too short for a FLAC STREAMINFO/);
  });
  it('truncated WAV', async () => {
    const b = wavBytes();
    await expect(decodeAudio(b.subarray(0, 1000), 'cut.wav')).rejects.toThrow(/cut\.wav: truncated WAV: data chunk declares/);
    await expect(decodeAudio(b.subarray(0, 30), 'hdr.wav')).rejects.toThrow(/hdr\.wav: not a readable WAV file/);
  });
  it('corrupt WAV fmt chunk (blockAlign / channel count inconsistent)', async () => {
    const w = makeWav([[1, 2, 3, 4]], 16000, '16');
    new DataView(w.buffer, w.byteOffset).setUint16(32, 3, true); // blockAlign 3 for 16-bit mono
    await expect(decodeAudio(w, 'align.wav')).rejects.toThrow(/align\.wav: corrupt WAV: blockAlign 3/);
    const z = makeWav([[1, 2, 3, 4]], 16000, '16');
    new DataView(z.buffer, z.byteOffset).setUint16(22, 0, true); // numChannels 0
    await expect(decodeAudio(z, 'nochan.wav')).rejects.toThrow(/nochan\.wav: corrupt WAV fmt chunk \(channels 0/);
  });
  it('zero-length WAV and empty files', async () => {
    await expect(decodeAudio(makeWav([[]], 16000, '16'), 'empty.wav')).rejects.toThrow(/empty\.wav: .*zero-length/);
    await expect(decodeAudio(new Uint8Array(0), 'nothing.wav')).rejects.toThrow(/nothing\.wav: empty input/);
  });
  it('unsupported encodings: 12-bit PCM, IMA-ADPCM, unknown container', async () => {
    const w12 = makeWav([[1, 2, 3, 4]], 16000, '16');
    new DataView(w12.buffer, w12.byteOffset).setUint16(34, 12, true); // bitsPerSample
    await expect(decodeAudio(w12, 'twelve.wav')).rejects.toThrow(/twelve\.wav: unsupported WAV encoding \(format code 1, 12 bits\)/);
    const adpcm = new wavefile.WaveFile();
    adpcm.fromScratch(1, 8000, '16', new Array(1010).fill(0).map((_, i) => (i * 37) % 1000));
    adpcm.toIMAADPCM();
    await expect(decodeAudio(adpcm.toBuffer(), 'ima.wav')).rejects.toThrow(/ima\.wav: unsupported WAV encoding \(format code 17/);
    await expect(decodeAudio(new TextEncoder().encode('ID3\u0000 not audio at all'), 'x.mp3')).rejects.toThrow(/x\.mp3: unrecognized audio format/);
  });
  it('NaN/Inf samples in a float WAV', async () => {
    await expect(decodeAudio(makeWav([[0, Number.NaN, 0.5]], 8000, '32f'), 'nan.wav')).rejects.toThrow(/nan\.wav: float WAV holds a non-finite sample \(NaN\)/);
    await expect(decodeAudio(makeWav([[Number.POSITIVE_INFINITY]], 8000, '64'), 'inf.wav')).rejects.toThrow(/Infinity/);
  });
  it('absurd headers: sample rate outside 1-384 kHz, data beyond the file, duration over the limit (decode and readAudioInfo)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-header-'));
    const oneHz = makeWav([new Array(4000).fill(0)], 16000, '16');
    const v = new DataView(oneHz.buffer, oneHz.byteOffset);
    v.setUint32(24, 1, true); // sample rate 1 Hz
    v.setUint32(28, 2, true); // byte rate to match
    writeFileSync(join(dir, 'one-hz.wav'), oneHz);
    const rate = /one-hz\.wav: header declares a sample rate of 1 Hz, outside 1000-384000 Hz: a corrupt or mislabelled header/;
    await expect(decodeAudioFile(join(dir, 'one-hz.wav'))).rejects.toThrow(rate);
    await expect(readAudioInfo(join(dir, 'one-hz.wav'))).rejects.toThrow(rate);
    const fast = makeWav([[1, 2, 3]], 16000, '16');
    new DataView(fast.buffer, fast.byteOffset).setUint32(24, 400000, true);
    await expect(decodeAudio(fast, 'fast.wav')).rejects.toThrow(/fast\.wav: header declares a sample rate of 400000 Hz/);
    const long = makeWav([new Array(1600).fill(0)], 16000, '16');
    writeFileSync(join(dir, 'long.wav'), long);
    const limit = /long\.wav: header declares 0\.00 h of audio, more than the 0\.00 h limit; split the file, or raise maxDurationSeconds/;
    await expect(decodeAudio(long, 'long.wav', { maxDurationSeconds: 0.05 })).rejects.toThrow(limit);
    await expect(readAudioInfo(join(dir, 'long.wav'), { maxDurationSeconds: 0.05 })).rejects.toThrow(limit);
    expect((await readAudioInfo(join(dir, 'long.wav'))).duration).toBe(0.1);
    const flac = fixturePath('test-other/367-130732-0000.flac');
    await expect(decodeAudioFile(flac, { maxDurationSeconds: 1 })).rejects.toThrow(/367-130732-0000\.flac: header declares .* h of audio, more than/);
    await expect(readAudioInfo(flac, { maxSampleRate: 8000 })).rejects.toThrow(/sample rate of 16000 Hz, outside 1000-8000 Hz/);
    const cut = makeWav([new Array(1000).fill(0)], 16000, '16');
    writeFileSync(join(dir, 'cut.wav'), cut.subarray(0, 500));
    await expect(readAudioInfo(join(dir, 'cut.wav'))).rejects.toThrow(/cut\.wav: truncated WAV: data chunk declares 2000 bytes but only 456 are present/);
  });
  it('missing file and readAudioInfo on garbage', async () => {
    await expect(decodeAudioFile('/nonexistent/a.flac')).rejects.toThrow(/\/nonexistent\/a\.flac: cannot read file \(ENOENT\)/);
    const dir = mkdtempSync(join(tmpdir(), 'bad-audio-'));
    writeFileSync(join(dir, 'junk.wav'), 'RIFF....WAVEjunk');
    await expect(readAudioInfo(join(dir, 'junk.wav'))).rejects.toThrow(/junk\.wav: no "data" chunk/);
    writeFileSync(join(dir, 'empty.flac'), '');
    await expect(readAudioInfo(join(dir, 'empty.flac'))).rejects.toThrow(/empty\.flac: empty file/);
  });
});
