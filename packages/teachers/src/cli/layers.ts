import { TeachersArgumentError } from '../errors.js';

/** Parses a layer list flag: `4,8,12`, `all` (0..numLayers) or `last`. */
export function parseLayerList(flag: string, text: string, numLayers: number): number[] {
  const t = text.trim();
  if (t === 'all') return Array.from({ length: numLayers + 1 }, (_, i) => i);
  if (t === 'last') return [numLayers];
  const out = t.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const v = s === 'last' ? numLayers : Number(s);
    if (!Number.isInteger(v) || v < 0 || v > numLayers) {
      throw new TeachersArgumentError(`${flag} "${text}": "${s}" is not a hidden-state index 0..${numLayers} of this teacher (0 = input embedding, ${numLayers} = last layer); or use all / last`);
    }
    return v;
  });
  if (!out.length) throw new TeachersArgumentError(`${flag}: empty layer list`);
  return [...new Set(out)].sort((a, b) => a - b);
}
