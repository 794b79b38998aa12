import { splitBatch } from '@speechkd/data-parallel';
import type { MaskedBatch } from './mlm.js';

/** Real tokens of each row of a masked batch. */
function rowLengths(mb: MaskedBatch): number[] {
  return Array.from({ length: mb.batch }, (_, b) => {
    let n = 0;
    for (let t = 0; t < mb.tokens; t++) n += mb.mask[b * mb.tokens + t];
    return n;
  });
}

/** The rows `rows` of a masked batch as a batch of their own, padded to their longest row. */
export function sliceMaskedBatch(mb: MaskedBatch, rows: readonly number[]): MaskedBatch {
  const lengths = rowLengths(mb);
  const tokens = Math.max(1, ...rows.map((r) => lengths[r]));
  const inputIds = new Int32Array(rows.length * tokens);
  const mask = new Float32Array(rows.length * tokens);
  rows.forEach((r, i) => {
    inputIds.set(mb.inputIds.subarray(r * mb.tokens, r * mb.tokens + tokens), i * tokens);
    mask.set(mb.mask.subarray(r * mb.tokens, r * mb.tokens + tokens), i * tokens);
  });
  const positions: number[] = [];
  const labels: number[] = [];
  const slot = new Map(rows.map((r, i) => [r, i]));
  mb.positions.forEach((p, k) => {
    const i = slot.get(Math.floor(p / mb.tokens));
    if (i === undefined) return;
    positions.push(i * tokens + (p % mb.tokens));
    labels.push(mb.labels[k]);
  });
  return { inputIds, mask, batch: rows.length, tokens, positions: Int32Array.from(positions), labels: Int32Array.from(labels) };
}

/**
 * Splits a masked batch into at most `parts` slices of balanced padded size, each with at least one masked
 * position (a slice without one is merged into its neighbour: its mean loss would be undefined).
 */
export function splitMaskedBatch(mb: MaskedBatch, parts: number): MaskedBatch[] {
  let groups = splitBatch(rowLengths(mb), parts);
  const predicted = new Set(Array.from(mb.positions, (p) => Math.floor(p / mb.tokens)));
  for (;;) {
    const empty = groups.findIndex((g) => !g.some((r) => predicted.has(r)));
    if (empty < 0 || groups.length === 1) break;
    const into = empty > 0 ? empty - 1 : 1;
    groups[into] = [...groups[Math.min(into, empty)], ...groups[Math.max(into, empty)]];
    groups = groups.filter((_, i) => i !== empty);
  }
  return groups.map((rows) => sliceMaskedBatch(mb, rows));
}
