import cliProgress from 'cli-progress';

/** A progress display on stderr: a cli-progress bar on a TTY, otherwise a line every ~10 s. */
export interface Progress {
  /** Sets the current value (and total when known). */
  update(value: number, total?: number): void;
  /** Finishes the display. */
  stop(): void;
}

/** Creates a progress display labelled `label`; `unit` formats values (e.g. bytes as MiB). */
export function createProgress(label: string, unit: (v: number) => string = String): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {shown} | ETA {eta_formatted}`, stream: process.stderr, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(value, total) {
        if (!started) { bar.start(total ?? 0, 0, { shown: '' }); started = true; }
        if (total !== undefined) bar.setTotal(total);
        bar.update(value, { shown: `${unit(value)}${total ? ` / ${unit(total)}` : ''}` });
      },
      stop() { if (started) bar.stop(); },
    };
  }
  let last = 0;
  return {
    update(value, total) {
      const now = Date.now();
      if (now - last < 10_000) return;
      last = now;
      process.stderr.write(`${label}: ${unit(value)}${total ? ` / ${unit(total)}` : ''}\n`);
    },
    stop() {},
  };
}
