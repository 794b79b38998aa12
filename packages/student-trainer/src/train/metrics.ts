import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { writeFileAtomic } from '@speechkd/safe-io';
import { writeCurves } from './curves.js';
import type { EvalResult } from './evaluate.js';

/** A progress display: a cli-progress bar on a TTY, otherwise nothing (log lines carry progress). */
export interface ProgressDisplay {
  update(step: number, payload: { loss: number; lr: number; sps: number }): void;
  stop(): void;
}

/** JSONL metrics (`metrics.jsonl`: one object per logged step or evaluation), progress, and curves. */
export class MetricsLog {
  private readonly file: string;
  private readonly dir: string;
  private readonly losses: Array<[number, number]> = [];
  private readonly wers: Array<[number, number]> = [];
  private window: number[] = [];
  private lastLine = 0;

  /**
   * Opens `runDir/metrics.jsonl` for a run that continues after step `startStep` (0: a start from scratch).
   * Records of later steps, which a killed run logged after its last checkpoint, are dropped (the file is
   * rewritten atomically), so after a resume every step is recorded once; a torn last line is dropped too.
   */
  constructor(runDir: string, startStep = 0) {
    this.dir = runDir;
    this.file = path.join(runDir, 'metrics.jsonl');
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, 'utf8');
    const lines = text.split('\n').filter((l) => l.trim());
    const kept: string[] = [];
    for (const line of lines) {
      let m: { type?: string; step?: number; loss?: number; wer?: number };
      try {
        m = JSON.parse(line) as typeof m;
      } catch {
        continue; // a torn last line of a killed run
      }
      if (typeof m.step === 'number' && m.step > startStep) continue;
      kept.push(line);
      // A resumed run continues the curves from the metrics already written.
      if (m.type === 'train' && typeof m.loss === 'number') this.losses.push([m.step!, m.loss]);
      if (m.type === 'eval' && typeof m.wer === 'number') this.wers.push([m.step!, 100 * m.wer]);
    }
    if (kept.length !== lines.length || (text !== '' && !text.endsWith('\n'))) writeFileAtomic(this.file, kept.map((l) => `${l}\n`).join(''));
  }

  /** Records a training step; every step's loss is averaged into the logged line when `flush`. */
  step(m: Record<string, number | boolean> & { step: number; loss: number }, flush: boolean): void {
    if (Number.isFinite(m.loss)) this.window.push(m.loss);
    if (!flush) return;
    const avg = this.window.length ? this.window.reduce((a, b) => a + b, 0) / this.window.length : NaN;
    this.window = [];
    this.losses.push([m.step, avg]);
    fs.appendFileSync(this.file, `${JSON.stringify({ type: 'train', ...m, loss: avg, time: new Date().toISOString() })}\n`);
    if (!process.stderr.isTTY && Date.now() - this.lastLine > 5000) {
      this.lastLine = Date.now();
      process.stderr.write(`[train] step ${m.step} loss ${avg.toFixed(4)} lr ${Number(m.lr).toExponential(2)} ${Number(m.stepsPerSec).toFixed(3)} steps/s\n`);
    }
  }

  /** Records a dev evaluation and refreshes the curves. */
  eval(step: number, r: EvalResult): void {
    this.wers.push([step, 100 * r.wer]);
    fs.appendFileSync(this.file, `${JSON.stringify({ type: 'eval', step, wer: r.wer, cer: r.cer, utterances: r.utterances, time: new Date().toISOString() })}\n`);
    this.writeCurves();
  }

  /** Appends any other record (e.g. `{ type: 'memory', ... }`) to metrics.jsonl. */
  record(m: Record<string, unknown> & { type: string }): void {
    fs.appendFileSync(this.file, `${JSON.stringify({ ...m, time: new Date().toISOString() })}\n`);
  }

  /** Writes `curves.svg` (loss and dev WER against step). */
  writeCurves(): void {
    writeCurves(path.join(this.dir, 'curves.svg'), [{ label: 'loss', color: '#1f77b4', points: this.losses }], [{ label: 'dev WER', color: '#d62728', points: this.wers }]);
  }

  /** A progress bar (loss, lr, steps/s, ETA) when stderr is a TTY and `enabled`. */
  progress(total: number, start: number, enabled: boolean): ProgressDisplay {
    if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'train |{bar}| {value}/{total} | loss {loss} | lr {lr} | {sps} steps/s | ETA {eta_formatted}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { loss: '-', lr: '-', sps: '-' });
    return {
      update: (step, p) => bar.update(step, { loss: p.loss.toFixed(4), lr: p.lr.toExponential(2), sps: p.sps.toFixed(3) }),
      stop: () => bar.stop(),
    };
  }
}
