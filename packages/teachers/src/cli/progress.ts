import cliProgress from 'cli-progress';
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
