import cliProgress from 'cli-progress';
import type { HubProgress } from '@speechkd/onnx-graph/hub';
import type { BuildProgress } from '../cache/build-cache.js';

/** Progress reporter: a cli-progress bar on a TTY, else one line every `everySeconds` on stderr. */
export function progressReporter(label: string, everySeconds = 10): { update: (p: BuildProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} {bar} {value}/{total} utts | {rt}x realtime | eta {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        const rt = p.elapsedSeconds > 0 ? (p.audioSeconds / p.elapsedSeconds).toFixed(1) : '-';
        if (!started) {
          bar.start(p.total, p.done, { rt });
          started = true;
        } else bar.update(p.done, { rt });
      },
      stop: () => bar.stop(),
    };
  }
  let last = -Infinity;
  return {
    update: (p) => {
      if (p.elapsedSeconds - last < everySeconds && p.done < p.total) return;
      last = p.elapsedSeconds;
      const rt = p.elapsedSeconds > 0 ? (p.audioSeconds / p.elapsedSeconds).toFixed(1) : '-';
      process.stderr.write(`${label} ${p.done}/${p.total} utterances, ${rt}x realtime, ${p.elapsedSeconds.toFixed(0)} s\n`);
    },
    stop: () => undefined,
  };
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

/**
 * Download progress of hub files: a cli-progress bar per file on a TTY, else a line every `everySeconds`
 * and when a file completes (files found in the cache print one `cached` line).
 */
export function downloadProgress(label: string, everySeconds = 10): { update: (p: HubProgress) => void; stop: () => void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let last = -Infinity;
  let started = 0;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update: (p) => {
      if (p.file !== current) {
        stop();
        current = p.file;
        started = Date.now();
        if (p.cached) {
          process.stderr.write(`${label} ${p.file}: ${mib(p.total)} MiB, in the cache\n`);
          return;
        }
        if (tty) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} ${p.file} {bar} {value}/{total} MiB | eta {eta_formatted}` }, cliProgress.Presets.shades_classic);
          bar.start(Number(mib(p.total)), Number(mib(p.bytes)));
        }
      }
      if (bar) bar.update(Number(mib(p.bytes)));
      else if (!tty && (p.bytes === p.total || (Date.now() - last) / 1000 >= everySeconds)) {
        last = Date.now();
        const rate = p.bytes / 2 ** 20 / Math.max(1e-3, (Date.now() - started) / 1000);
        process.stderr.write(`${label} ${p.file}: ${mib(p.bytes)} / ${mib(p.total)} MiB (${rate.toFixed(1)} MiB/s)\n`);
      }
      if (p.bytes === p.total) stop();
    },
    stop,
  };
}
