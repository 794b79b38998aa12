import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTranscripts, scoreCorpus } from '../src/index.js';
import { minimalSplits, scliteWeightedSplits } from './brute-force.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
type Counts = Record<string, [number, number, number, number]>;
const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'sclite.json'), 'utf8')) as { realistic: Counts; weighting: Counts };
const hasSclite = spawnSync('sctk', ['sclite'], { stdio: 'ignore' }).error === undefined;

function score(set: 'realistic' | 'weighting') {
  const refs = readTranscripts(path.join(GOLDEN, `${set}.ref.trn`), 'trn');
  const hyps = readTranscripts(path.join(GOLDEN, `${set}.hyp.trn`), 'trn');
  return scoreCorpus(refs, hyps);
}

/** Parses `sclite -o pralign` per-utterance "Scores: (#C #S #D #I)" lines. */
function runSclite(set: string): Counts {
  const out = execFileSync('sctk', ['sclite', '-r', path.join(GOLDEN, `${set}.ref.trn`), 'trn', '-h', path.join(GOLDEN, `${set}.hyp.trn`), 'trn', '-i', 'spu_id', '-o', 'pralign', 'stdout'], { encoding: 'utf8' });
  const counts: Counts = {};
  let id = '';
  for (const line of out.split('\n')) {
    const m = /^id: \((.*)\)$/.exec(line);
    if (m) id = m[1];
    const s = /^Scores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)$/.exec(line);
    if (s) counts[id] = [Number(s[1]), Number(s[2]), Number(s[3]), Number(s[4])];
  }
  return counts;
}

describe('cross-check against sclite (golden from sctk, test/golden/sclite.json)', () => {
  it('realistic data (25 real references x 4 synthetic corruptions): equal corpus and per-utterance error totals', () => {
    const { summary, utterances } = score('realistic');
    const g = Object.values(golden.realistic);
    const sum = (k: number): number => g.reduce((a, c) => a + c[k], 0);
    expect(utterances).toHaveLength(100);
    expect(summary.errors).toBe(sum(1) + sum(2) + sum(3));
    expect(summary.hits).toBe(sum(0));
    expect(summary.referenceWords).toBe(sum(0) + sum(1) + sum(2));
    for (const u of utterances) {
      const [, s, d, i] = golden.realistic[u.id];
      expect(u.errors, u.id).toBe(s + d + i);
    }
  });

  it('realistic data: S/D/I totals equal sclite\'s', () => {
    const { summary } = score('realistic');
    const g = Object.values(golden.realistic);
    expect([summary.substitutions, summary.deletions, summary.insertions]).toEqual([1, 2, 3].map((k) => g.reduce((a, c) => a + c[k], 0)));
  });

  it('constructed inputs: sclite (4/3/3 weights) counts exactly one more error than the exhaustive unit-cost minimum; we count the minimum', () => {
    const refs = readTranscripts(path.join(GOLDEN, 'weighting.ref.trn'), 'trn');
    const hyps = readTranscripts(path.join(GOLDEN, 'weighting.hyp.trn'), 'trn');
    const { utterances } = scoreCorpus(refs, hyps);
    for (const u of utterances) {
      const [, s, d, i] = golden.weighting[u.id];
      const { min } = minimalSplits(u.ref, u.hyp);
      expect(u.errors, u.id).toBe(min);
      expect(s + d + i, u.id).toBe(min + 1);
      // the brute-force model of sclite's weighting reproduces sclite's count
      const weighted = scliteWeightedSplits(u.ref, u.hyp);
      expect(weighted.some((w) => w.s === s && w.d === d && w.i === i), u.id).toBe(true);
    }
  });

  it.runIf(process.env.CI === 'true')('sclite is installed in CI (.ci/run installs Debian\'s sctk)', () => {
    expect(hasSclite, 'sctk not found on PATH: apt-get install sctk').toBe(true);
  });

  if (!hasSclite) console.warn('sclite.test.ts: sctk is not installed, so the live re-scoring against sclite is skipped (apt-get install sctk)');
  it.skipIf(!hasSclite)('the committed goldens equal a fresh sclite run', () => {
    expect(runSclite('realistic')).toEqual(golden.realistic);
    expect(runSclite('weighting')).toEqual(golden.weighting);
  });
});
