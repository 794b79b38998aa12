import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { synthesize } from './index.js';
import type { VoiceSettings } from './types.js';

// Typed-array deep equality in expect() is very slow on 100k samples; compare the bytes.
const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const TEXT = "the jury said it didn't find any evidence";
const espeak: VoiceSettings = { engine: 'espeak-ng', voice: 'en-us', variant: 'f3', rate: 170, pitch: 55, warp: 1 };
const flite: VoiceSettings = { engine: 'flite', voice: 'kal16', variant: '', rate: 1, pitch: 110, warp: 1 };

describe('engines', () => {
  it('espeak-ng (npm WASM build) speaks at 22.05 kHz, identically on every call', async () => {
    const a = await synthesize(espeak, TEXT);
    const b = await synthesize(espeak, TEXT);
    expect(a.sampleRate).toBe(22050);
    expect(a.samples.length / a.sampleRate).toBeGreaterThan(1);
    expect(a.samples.length / a.sampleRate).toBeLessThan(6);
    expect(same(a.samples, b.samples)).toBe(true);
  });

  it('espeak-ng rate and pitch change the audio', async () => {
    const base = await synthesize(espeak, TEXT);
    const slow = await synthesize({ ...espeak, rate: 130 }, TEXT);
    expect(slow.samples.length).toBeGreaterThan(base.samples.length * 1.15);
  });

  it('flite (npm WASI build) speaks at 16 kHz, identically on every call', async () => {
    const a = await synthesize(flite, TEXT);
    const b = await synthesize(flite, TEXT);
    expect(a.sampleRate).toBe(16000);
    expect(a.samples.length / a.sampleRate).toBeGreaterThan(1);
    expect(same(a.samples, b.samples)).toBe(true);
    const slower = await synthesize({ ...flite, rate: 1.3 }, TEXT);
    expect(slower.samples.length).toBeGreaterThan(a.samples.length * 1.15);
  });

  it('throws EngineError for a voice the engine does not have', async () => {
    await expect(synthesize({ ...espeak, voice: 'xx-nope' }, TEXT)).rejects.toThrow(EngineError);
    await expect(synthesize({ ...flite, voice: 'nope' }, TEXT)).rejects.toThrow(EngineError);
    expect(process.exitCode ?? 0).toBe(0); // the Emscripten runtime must not leak its exit status into the process
  });
});
