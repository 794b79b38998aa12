/**
 * Benchmark (`npm run bench -w @speechkd/audio-features`, after build): kaldiFbank on a 60 s file made
 * of the LibriSpeech fixtures vs torchaudio.compliance.kaldi.fbank (one torch thread) in the same run,
 * FLAC and WAV decoding, resampling (ours vs wavefile's sinc resampler). Prints x-realtime figures,
 * measured as best-of-N wall time; process CPU time is printed too because the machine may be shared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import wavefile from 'wavefile';
import { decodeAudio } from './decode.js';
import { kaldiFbank } from './kaldi-fbank.js';
import { resample } from './resample.js';
import { speedPerturb } from './speed-perturb.js';

const PYTHON = '/usr/bin/python3';
const RATE = 16000;

interface Timing {
  wall: number;
  cpu: number;
}

/** Best wall time and best CPU time (seconds) of `runs` calls. */
async function time(runs: number, fn: () => unknown): Promise<Timing> {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

const fmt = (seconds: number, t: Timing): string => `${(seconds / t.wall).toFixed(0)}x realtime (CPU time: ${(seconds / t.cpu).toFixed(0)}x)`;

function listAudio(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listAudio(p, ext));
    else if (entry.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

interface TorchResult {
  /** Best wall seconds of 5 runs. */
  wall: number;
  /** Best process CPU seconds of 5 runs. */
  cpu: number;
  /** Output of the float32 run (the normal use) and of a float64 run (the exact reference). */
  float32: Float32Array;
  float64: Float32Array;
}

/** torchaudio kaldi.fbank timing (best of 5, one thread) and its outputs, or a reason it could not run. */
function torchaudioFbank(samples: Float32Array, dir: string): TorchResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const input = join(dir, 'wave.f32');
  writeFileSync(input, samples);
  const script = [
    'import sys, time, torch',
    'import torchaudio.compliance.kaldi as kaldi',
    'torch.set_num_threads(1)',
    'x = torch.frombuffer(bytearray(open(sys.argv[1], "rb").read()), dtype=torch.float32).unsqueeze(0)',
    'wall, cpu = 1e9, 1e9',
    'for _ in range(5):',
    '    t, c = time.perf_counter(), time.process_time()',
    '    y = kaldi.fbank(x, num_mel_bins=80)',
    '    wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)',
    'y64 = kaldi.fbank(x.double(), num_mel_bins=80).float()',
    'open(sys.argv[2], "wb").write(y.contiguous().numpy().tobytes())',
    'open(sys.argv[3], "wb").write(y64.contiguous().numpy().tobytes())',
    'print(wall, cpu)',
  ].join('\n');
  const out32 = join(dir, 'fbank32.f32');
  const out64 = join(dir, 'fbank64.f32');
  const r = spawnSync(PYTHON, ['-c', script, input, out32, out64], { encoding: 'utf8' });
  if (r.status !== 0) return `python3/torchaudio failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const read = (p: string): Float32Array => {
    const b = readFileSync(p);
    return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  };
  const [wall, cpu] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall, cpu, float32: read(out32), float64: read(out64) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function main(): Promise<void> {
  console.log(`@speechkd/audio-features bench (node ${process.version}, load average ${loadavg()[0].toFixed(1)})`);
  const flacFiles = listAudio(LIBRISPEECH_SAMPLE_ROOT, '.flac');
  const wavFiles = listAudio(LIBRISPEECH_SAMPLE_ROOT, '.wav');
  const flacBytes = flacFiles.map((f) => readFileSync(f));
  const wavBytes = wavFiles.map((f) => readFileSync(f));

  // 60 s test file: fixtures concatenated, int16-scaled as Kaldi expects.
  const pieces: Float32Array[] = [];
  let total = 0;
  for (const b of [...flacBytes, ...wavBytes]) {
    if (total >= 60 * RATE) break;
    const { samples } = await decodeAudio(b);
    pieces.push(samples);
    total += samples.length;
  }
  const wave = new Float32Array(60 * RATE);
  let off = 0;
  for (const p of pieces) {
    const n = Math.min(p.length, wave.length - off);
    for (let i = 0; i < n; i++) wave[off + i] = p[i] * 32768;
    off += n;
  }
  const seconds = wave.length / RATE;

  let ours = kaldiFbank(wave, { numMelBins: 80 });
  const fb = await time(15, () => (ours = kaldiFbank(wave, { numMelBins: 80 })));
  console.log(`kaldiFbank 80 bins, 60 s @ 16 kHz: ${(fb.wall * 1000).toFixed(1)} ms = ${fmt(seconds, fb)}`);
  const dir = mkdtempSync(join(tmpdir(), 'audio-features-bench-'));
  try {
    const ta = torchaudioFbank(wave, dir);
    if (typeof ta === 'string') console.log(`torchaudio kaldi.fbank: skipped (${ta})`);
    else {
      console.log(`torchaudio kaldi.fbank 80 bins (1 thread, best of 5): ${(ta.wall * 1000).toFixed(1)} ms = ${fmt(seconds, ta)}`);
      console.log(`speed ratio kaldiFbank / torchaudio: ${(ta.wall / fb.wall).toFixed(2)}x (wall), ${(ta.cpu / fb.cpu).toFixed(2)}x (CPU time)`);
      console.log(
        `max |difference| over ${ours.numFrames}x80: vs torchaudio float32 ${maxAbsDiff(ours.data, ta.float32).toExponential(2)}, ` +
          `vs torchaudio float64 ${maxAbsDiff(ours.data, ta.float64).toExponential(2)} (float32 vs float64 torchaudio: ${maxAbsDiff(ta.float32, ta.float64).toExponential(2)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const flacSeconds = (await Promise.all(flacBytes.map((b) => decodeAudio(b)))).reduce((s, d) => s + d.samples.length / d.sampleRate, 0);
  const fl = await time(3, async () => {
    for (const b of flacBytes) await decodeAudio(b);
  });
  console.log(`FLAC decode (${flacFiles.length} files, ${flacSeconds.toFixed(1)} s, bit-exact + MD5 check): ${fmt(flacSeconds, fl)}`);
  const wavSeconds = (await Promise.all(wavBytes.map((b) => decodeAudio(b)))).reduce((s, d) => s + d.samples.length / d.sampleRate, 0);
  const wv = await time(5, async () => {
    for (const b of wavBytes) await decodeAudio(b);
  });
  console.log(`WAV decode (${wavFiles.length} files, ${wavSeconds.toFixed(1)} s): ${fmt(wavSeconds, wv)}`);

  const mono = wave.map((v) => v / 32768);
  for (const [from, to] of [[16000, 8000], [16000, 22050], [44100, 16000]] as const) {
    const r = await time(3, () => resample(mono, from, to));
    console.log(`resample ${from} -> ${to} Hz: ${fmt(seconds, r)} (of input audio)`);
  }
  const sp = await time(3, () => speedPerturb(mono, RATE, 1.1));
  console.log(`speedPerturb x1.1: ${fmt(seconds, sp)}`);
  // wavefile's sinc resampler on 10 s, for comparison (it is what `resample` was measured against).
  const ten = mono.subarray(0, 10 * RATE);
  const wf = await time(1, () => {
    const w = new wavefile.WaveFile();
    w.fromScratch(1, RATE, '32f', ten);
    w.toSampleRate(8000, { method: 'sinc', LPF: true });
  });
  const ours8k = await time(3, () => resample(ten, 16000, 8000));
  console.log(`16000 -> 8000 Hz on 10 s: resample ${fmt(10, ours8k)}; wavefile toSampleRate(sinc, LPF) ${fmt(10, wf)}`);
}

await main();
