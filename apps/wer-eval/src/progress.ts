import cliProgress from 'cli-progress';

/** Progress display on stderr: a cli-progress bar with ETA on a TTY, else one line every ~10 s. */
export interface Progress {
  /** Sets the value and total; `info` is shown after the counts. */
  update(value: number, total: number, info?: string): void;
  /** Finishes the display. */
  stop(): void;
}

/** Creates a progress display labelled `label`. */
export function createProgress(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {info}`, stream: process.stderr, etaBuffer: 100 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(value, total, info = '') {
        if (!started) { bar.start(total, value, { info }); started = true; }
        bar.setTotal(total);
        bar.update(value, { info });
      },
      stop() { if (started) bar.stop(); },
    };
  }
  let last = 0;
  const t0 = Date.now();
  return {
    update(value, total, info = '') {
      const now = Date.now();
      if (now - last < 10_000 && value < total) return;
      last = now;
      const eta = value > 0 ? ((now - t0) / value) * (total - value) / 1000 : NaN;
      process.stderr.write(`${label}: ${value}/${total}${Number.isFinite(eta) ? `, ETA ${eta.toFixed(0)} s` : ''}${info ? ` | ${info}` : ''}\n`);
    },
    stop() {},
  };
}
