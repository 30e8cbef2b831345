// curves.svg of a run: train/test loss and test accuracy per epoch, drawn by hand as a small SVG.
// Pure string building; imports only the record type.
import type { EpochRecord } from './training-checkpoint.js';

const WIDTH = 640;
const HEIGHT = 260;
const PANEL = { top: 30, bottom: 40, left: 50, width: 250 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Series {
  label: string;
  color: string;
  values: number[];
}

/** One chart panel: axes, min/max labels, a polyline (and dots) per series, a legend. */
function panel(
  x0: number,
  title: string,
  series: Series[],
  format: (value: number) => string,
  range?: [number, number],
): string {
  const plotHeight = HEIGHT - PANEL.top - PANEL.bottom;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let [low, high] = range ?? [Math.min(...all, Infinity), Math.max(...all, -Infinity)];
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [0, 1];
  if (high - low < 1e-9) [low, high] = [low - 0.5, high + 0.5];
  const count = Math.max(...series.map((s) => s.values.length), 1);
  const px = (i: number) => x0 + (count === 1 ? PANEL.width / 2 : (i / (count - 1)) * PANEL.width);
  const py = (v: number) => PANEL.top + plotHeight - ((v - low) / (high - low)) * plotHeight;
  const parts = [
    `<text x="${x0 + PANEL.width / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${x0}" y1="${PANEL.top}" x2="${x0}" y2="${PANEL.top + plotHeight}" stroke="#888"/>`,
    `<line x1="${x0}" y1="${PANEL.top + plotHeight}" x2="${x0 + PANEL.width}" y2="${PANEL.top + plotHeight}" stroke="#888"/>`,
    `<text x="${x0 - 4}" y="${PANEL.top + 4}" text-anchor="end">${escapeXml(format(high))}</text>`,
    `<text x="${x0 - 4}" y="${PANEL.top + plotHeight}" text-anchor="end">${escapeXml(format(low))}</text>`,
    `<text x="${x0}" y="${HEIGHT - 22}" text-anchor="middle">1</text>`,
    `<text x="${x0 + PANEL.width}" y="${HEIGHT - 22}" text-anchor="middle">${count}</text>`,
    `<text x="${x0 + PANEL.width / 2}" y="${HEIGHT - 22}" text-anchor="middle">epoch</text>`,
  ];
  series.forEach((s, index) => {
    const points = s.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const point of points) {
      const [cx, cy] = point.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.color}"/>`);
    }
    const ly = HEIGHT - 6;
    const lx = x0 + index * 110;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 20}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  return parts.join('\n  ');
}

/**
 * An SVG image with two panels: loss (train and test) and test accuracy, one point per epoch.
 *
 * @example
 * ```ts
 * await writeRunFile('runs/a/curves.svg', curvesSvg(history));
 * ```
 */
export function curvesSvg(history: readonly EpochRecord[], title = 'backprop training'): string {
  const loss = panel(
    PANEL.left,
    'loss',
    [
      { label: 'train', color: '#1f77b4', values: history.map((r) => r.trainLoss) },
      { label: 'test', color: '#ff7f0e', values: history.map((r) => r.testLoss) },
    ],
    (v) => v.toFixed(3),
  );
  const accuracy = panel(
    PANEL.left + PANEL.width + 80,
    'test accuracy',
    [{ label: 'test accuracy', color: '#2ca02c', values: history.map((r) => 100 * r.testAccuracy) }],
    (v) => `${v.toFixed(1)}%`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `  <title>${escapeXml(title)}</title>`,
    `  <rect width="100%" height="100%" fill="white"/>`,
    `  ${loss}`,
    `  ${accuracy}`,
    '</svg>',
    '',
  ].join('\n');
}
