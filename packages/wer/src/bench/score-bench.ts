/**
 * Benchmark: scoring 50k synthetic utterances (trn files) with @speechkd/wer vs NIST sclite in the
 * same run; prints both times, the throughput ratio and checks that the error totals agree.
 * Usage: node dist/bench/score-bench.js [--utterances N] [--runs R]  (R sclite runs, best taken)   (needs `sctk` for the comparison)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTranscripts, readTranscripts, scoreCorpus } from '../index.js';
import { mulberry32 } from '@speechkd/random';


/** LibriSpeech-like synthetic data: ~20 words per utterance from a Zipf-ish 8000-word vocabulary, ~10 % word errors. */
function makeData(n: number, seed: number): { refs: Map<string, string>; hyps: Map<string, string> } {
  const rnd = mulberry32(seed);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const vocab = Array.from({ length: 8000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 8) }, () => letters[Math.floor(rnd() * 26)]).join(''));
  const word = (): string => vocab[Math.floor(vocab.length * rnd() ** 3)];
  const refs = new Map<string, string>();
  const hyps = new Map<string, string>();
  for (let k = 0; k < n; k++) {
    const id = `${1000 + (k % 40)}-${100000 + Math.floor(k / 40)}-${String(k).padStart(6, '0')}`;
    const ref = Array.from({ length: 5 + Math.floor(rnd() * 30) }, word);
    const hyp: string[] = [];
    for (const w of ref) {
      const r = rnd();
      if (r < 0.05) hyp.push(word());
      else if (r < 0.08) continue;
      else if (r < 0.1) hyp.push(w, word());
      else hyp.push(w);
    }
    refs.set(id, ref.join(' '));
    hyps.set(id, hyp.join(' '));
  }
  return { refs, hyps };
}

/** CPU seconds of waited-for child processes (Linux /proc; clock ticks assumed 100 Hz), or NaN elsewhere. */
function childCpuSeconds(): number {
  try {
    const f = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (fields 16, 17 of stat)
  } catch {
    return NaN;
  }
}

const cpuSeconds = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

function main(): void {
  const { values } = parseArgs({ options: { utterances: { type: 'string', default: '50000' }, runs: { type: 'string', default: '2' } } });
  const n = Number(values.utterances);
  const runs = Number(values.runs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wer-bench-'));
  const refFile = path.join(dir, 'ref.trn');
  const hypFile = path.join(dir, 'hyp.trn');
  const { refs, hyps } = makeData(n, 1234);
  fs.writeFileSync(refFile, formatTranscripts(refs, 'trn'));
  fs.writeFileSync(hypFile, formatTranscripts(hyps, 'trn'));
  const words = [...refs.values()].reduce((a, t) => a + t.split(' ').length, 0);
  console.log(`data: ${n} utterances, ${words} reference words (${dir})`);

  const ours = (cer: boolean): { ms: number; cpu: number; errors: number; wer: number | null } => {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const s = scoreCorpus(readTranscripts(refFile, 'trn'), readTranscripts(hypFile, 'trn'), { cer }).summary;
    return { ms: performance.now() - t0, cpu: cpuSeconds() - c0, errors: s.errors, wer: s.wer };
  };
  const best = (f: () => { ms: number }): number => Math.min(...Array.from({ length: runs }, () => f().ms));
  const first = ours(false);
  const second = ours(false);
  const oursMs = Math.min(first.ms, second.ms);
  const oursCpu = Math.min(first.cpu, second.cpu);
  const oursCerMs = best(() => ours(true));
  console.log(`@speechkd/wer  words only (read+parse+align): first ${first.ms.toFixed(0)} ms, best of 2 ${oursMs.toFixed(0)} ms wall, ${oursCpu.toFixed(2)} s CPU (${(n / oursMs * 1000).toFixed(0)} utt/s); errors ${first.errors}, WER ${(100 * (first.wer ?? 0)).toFixed(2)} %`);
  console.log(`@speechkd/wer  words + CER: best of ${runs} ${oursCerMs.toFixed(0)} ms`);

  const sclite = (): { ms: number; cpu: number; errors: number } | null => {
    const t0 = performance.now();
    const c0 = childCpuSeconds();
    const p = spawnSync('sctk', ['sclite', '-r', refFile, 'trn', '-h', hypFile, 'trn', '-i', 'spu_id', '-o', 'rsum', 'stdout'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    if (p.error || p.status !== 0) return null;
    const m = /\|\s*Sum\s*\|\s*\d+\s+\d+\s*\|\s*\d+\s+\d+\s+\d+\s+\d+\s+(\d+)/.exec(p.stdout);
    return { ms, cpu: childCpuSeconds() - c0, errors: m ? Number(m[1]) : NaN };
  };
  const s1 = sclite();
  if (!s1) {
    console.log('sclite: not available (install Debian package sctk); no ratio');
  } else {
    const runsS = [s1, ...Array.from({ length: runs - 1 }, () => sclite() ?? { ms: Infinity, cpu: Infinity, errors: NaN })];
    const scliteMs = Math.min(...runsS.map((r) => r.ms));
    const scliteCpu = Math.min(...runsS.map((r) => r.cpu));
    console.log(`sclite (sctk, -o rsum): best of ${runs} ${scliteMs.toFixed(0)} ms wall, ${scliteCpu.toFixed(2)} s CPU (${(n / scliteMs * 1000).toFixed(0)} utt/s); errors ${s1.errors}`);
    console.log(`throughput ratio @speechkd/wer / sclite: ${(scliteMs / oursMs).toFixed(1)}x wall, ${(scliteCpu / oursCpu).toFixed(1)}x CPU (words only; first run ${(scliteMs / first.ms).toFixed(1)}x wall; with CER ${(scliteMs / oursCerMs).toFixed(1)}x wall)`);
    console.log(`error totals: ours ${first.errors}, sclite ${s1.errors} (${first.errors === s1.errors ? 'equal' : `sclite +${s1.errors - first.errors}, see README: 4/3/3 weighting`})`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
