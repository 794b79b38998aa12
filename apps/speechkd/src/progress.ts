import type { Log } from './stage.js';

/**
 * A throttled progress line for a long stage: at most one line per `everyMs` (and always the last),
 * with the rate measured over this process's work and the ETA it implies.
 */
export function progressLine(log: Log, label: string, unit: string, everyMs = 10_000): (done: number, total: number, detail?: string) => void {
  const t0 = Date.now();
  let last = 0;
  let first: number | undefined;
  return (done, total, detail) => {
    first ??= done;
    const now = Date.now();
    if (now - last < everyMs && done < total) return;
    last = now;
    const rate = (done - first) / Math.max(1e-3, (now - t0) / 1000);
    const eta = rate > 0 ? `, ETA ${Math.ceil((total - done) / rate)} s` : '';
    log(`[${label}] ${done}/${total} ${unit}${detail ? `, ${detail}` : ''}, ${rate.toFixed(2)} ${unit}/s${eta}`);
  };
}
