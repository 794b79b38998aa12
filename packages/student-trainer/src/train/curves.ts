import { writeFileAtomic } from '@speechkd/safe-io';

/** One plotted series: points (x = step) and a colour. */
export interface Series {
  label: string;
  color: string;
  points: Array<[number, number]>;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function panel(series: Series[], title: string, x0: number, y0: number, w: number, h: number): string {
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (pts.length === 0) return `<text x="${x0 + 10}" y="${y0 + 20}">${esc(title)}: no data yet</text>`;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [xmin, xmax] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  const [ymin, ymax] = [Math.min(...ys, 0), Math.max(...ys) * 1.05 || 1];
  const px = (x: number): number => x0 + 50 + ((x - xmin) / (xmax - xmin)) * (w - 70);
  const py = (y: number): number => y0 + h - 30 - ((y - ymin) / (ymax - ymin)) * (h - 60);
  let out = `<text x="${x0 + w / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`;
  out += `<line x1="${px(xmin)}" y1="${py(ymin)}" x2="${px(xmax)}" y2="${py(ymin)}" stroke="#888"/>`;
  out += `<line x1="${px(xmin)}" y1="${py(ymin)}" x2="${px(xmin)}" y2="${py(ymax)}" stroke="#888"/>`;
  for (let i = 0; i <= 4; i++) {
    const yv = ymin + ((ymax - ymin) * i) / 4;
    out += `<text x="${x0 + 45}" y="${py(yv) + 4}" text-anchor="end" font-size="10">${yv.toPrecision(3)}</text>`;
    const xv = xmin + ((xmax - xmin) * i) / 4;
    out += `<text x="${px(xv)}" y="${y0 + h - 14}" text-anchor="middle" font-size="10">${Math.round(xv)}</text>`;
  }
  series.forEach((s, k) => {
    const d = s.points.filter(([, y]) => Number.isFinite(y)).map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
    if (d) out += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`;
    out += `<text x="${x0 + w - 20}" y="${y0 + 30 + 14 * k}" text-anchor="end" fill="${s.color}" font-size="11">${esc(s.label)}</text>`;
  });
  return out;
}

/** Writes an SVG with two panels (loss and WER against step), hand-written to avoid a plotting dependency. */
export function writeCurves(file: string, loss: Series[], wer: Series[]): void {
  const w = 640;
  const h = 260;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${2 * h}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>${panel(loss, 'training loss', 0, 0, w, h)}${panel(wer, 'dev WER (%)', 0, h, w, h)}</svg>\n`;
  writeFileAtomic(file, svg);
}
