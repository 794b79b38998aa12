import fs from 'node:fs';
import path from 'node:path';
import { decodeAudioFile } from '@speechkd/audio-features';
import { readManifest } from '@speechkd/librispeech';
import type { CharNgramLm, RecognizerOptions } from '@speechkd/recognizer';
import { openBundle } from './open-bundle.js';
import { computeErrorRates } from '@speechkd/wer';
import { PipelineConfigError } from './pipeline-config.js';
import type { SystemResult } from './evaluate-systems.js';
import { writeJsonAtomic } from './stage.js';
import { trainBrownLm } from './brown-lm.js';
import type { Log } from './stage.js';

/** Options of `lmSweep`. */
export interface LmSweepOptions {
  /** A finished run directory (its `summary.json` lists the systems, `stages/synth.json` the corpus). */
  run: string;
  orders: number[];
  weights: number[];
  bonuses: number[];
  beamSize: number;
  /** Synthetic subset scored: dev (tuning) or test. */
  subset: 'dev' | 'test';
  log: Log;
}

/** One setting's WER/CER per system. */
export interface LmSweepRow {
  order: number;
  weight: number;
  bonus: number;
  beamSize: number;
  /** System key -> [WER, CER]. */
  scores: Record<string, [number | null, number | null]>;
}

const readJson = <T>(file: string, what: string): T => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new PipelineConfigError(`--run: cannot read ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a finished run directory`);
  }
};

/**
 * Scores every system of a finished run on the synthetic dev (or test) set with each LM order, weight and
 * bonus (beam search with the run's decoder code), greedy first for reference; writes
 * `<run>/lm-sweep-<subset>.json` after each setting, so an interrupted sweep keeps what it finished. The file
 * accumulates: rows of earlier sweeps with other settings or another beam stay in it; `rows` returns this grid's.
 */
export async function lmSweep(opts: LmSweepOptions): Promise<{ greedy: LmSweepRow['scores']; rows: LmSweepRow[]; file: string }> {
  const summary = readJson<{ systems: SystemResult[] }>(path.join(opts.run, 'summary.json'), 'run summary');
  const corpus = readJson<{ result: { dev: string; test: string } }>(path.join(opts.run, 'stages', 'synth.json'), 'corpus stage record').result;
  const entries = readManifest(opts.subset === 'dev' ? corpus.dev : corpus.test);
  const audio = await Promise.all(entries.map((e) => decodeAudioFile(e.audio)));
  const refs = entries.map((e) => e.text);
  const score = async (bundle: string, decoder: RecognizerOptions): Promise<[number | null, number | null]> => {
    const rec = await openBundle(bundle, 'onnx', decoder);
    try {
      const hyps = await rec.transcribeBatch(audio);
      const s = computeErrorRates(refs, hyps);
      return [s.wer, s.cer];
    } finally {
      await rec.dispose();
    }
  };
  const file = path.join(opts.run, `lm-sweep-${opts.subset}.json`);
  // Files from before rows carried their beam have one top-level beamSize for all rows.
  type Saved = { beamSize?: number; greedy: LmSweepRow['scores']; rows: (Omit<LmSweepRow, 'beamSize'> & { beamSize?: number })[] };
  const saved = fs.existsSync(file) ? readJson<Saved>(file, 'earlier sweep') : null;
  const all: LmSweepRow[] = (saved?.rows ?? []).map((r) => ({ ...r, beamSize: r.beamSize ?? saved?.beamSize ?? opts.beamSize }));
  const greedy: LmSweepRow['scores'] = saved?.greedy ?? {};
  for (const sys of summary.systems) greedy[sys.key] ??= await score(sys.bundle, {});
  const same = (r: LmSweepRow, order: number, weight: number, bonus: number) =>
    r.order === order && r.weight === weight && r.bonus === bonus && r.beamSize === opts.beamSize;
  const rows: LmSweepRow[] = [];
  const total = opts.orders.length * opts.weights.length * opts.bonuses.length;
  for (const order of opts.orders) {
    let lm: CharNgramLm | null = null;
    for (const weight of opts.weights) {
      for (const bonus of opts.bonuses) {
        const done = all.find((r) => same(r, order, weight, bonus) && summary.systems.every((s) => s.key in r.scores));
        if (done) {
          rows.push(done);
          opts.log(`[lm-sweep] ${rows.length}/${total} order ${order} weight ${weight} bonus ${bonus} beam ${opts.beamSize}: reused from ${file}`);
          continue;
        }
        lm ??= trainBrownLm(order, [corpus.dev, corpus.test], corpus.dev, opts.log);
        const scores: LmSweepRow['scores'] = {};
        for (const sys of summary.systems) scores[sys.key] = await score(sys.bundle, { decoder: 'beam', beamSize: opts.beamSize, lm, lmWeight: weight, lmBonus: bonus });
        const row = { order, weight, bonus, beamSize: opts.beamSize, scores };
        rows.push(row);
        // A partial row (a system added to the run since) is replaced, not duplicated.
        const at = all.findIndex((r) => same(r, order, weight, bonus));
        if (at >= 0) all[at] = row;
        else all.push(row);
        writeJsonAtomic(file, { run: opts.run, subset: opts.subset, utterances: entries.length, greedy, rows: all });
        const cells = Object.entries(scores).map(([k, [w]]) => `${k} ${w === null ? 'n/a' : (100 * w).toFixed(2)}`);
        opts.log(`[lm-sweep] ${rows.length}/${total} order ${order} weight ${weight} bonus ${bonus} beam ${opts.beamSize}: WER ${cells.join(', ')}`);
      }
    }
  }
  return { greedy, rows, file };
}
