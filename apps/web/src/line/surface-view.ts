// The blindfolded hiker's picture: the line's loss surface as an image, the path gradient descent
// walked, the current (a, b) and the −gradient arrow. Drawing only (the line worker computes).
import { heatmapPixels, SEQUENTIAL } from '../shared/heatmap';
import { toPixel, type Axis } from '../shared/plot';
import type { LineSnapshot } from './line-fit';
import type { LossSurface, SurfaceWindow } from './loss-surface';

/**
 * The loss surface as an image, once: log-scaled colours so the valley stays visible.
 *
 * @example
 * ```ts
 * const image = renderSurface(setup.surface); // then drawSurface({ canvas, image, window, snapshot })
 * ```
 */
export function renderSurface(surface: LossSurface): HTMLCanvasElement {
  const { values, columns, rows, min, max } = surface;
  const [low, high] = [Math.log(min + 1e-3), Math.log(max + 1e-3)];
  const pixels = heatmapPixels({
    values,
    columns,
    rows,
    palette: SEQUENTIAL,
    scale: (v) => (Math.log(v + 1e-3) - low) / (high - low),
  });
  const image = document.createElement('canvas');
  [image.width, image.height] = [columns, rows];
  image.getContext('2d')!.putImageData(new ImageData(pixels, columns, rows), 0, 0);
  return image;
}

/** Where to draw the hiker: the canvas, the surface image, its (a, b) window and the fit's state. */
export interface SurfaceDrawing {
  canvas: HTMLCanvasElement;
  image: CanvasImageSource;
  window: SurfaceWindow;
  snapshot: LineSnapshot;
}

/** The surface, the path walked so far, the current (a, b) and the −gradient arrow (the next step's direction). */
export function drawSurface({ canvas, image, window, snapshot }: SurfaceDrawing): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const a: Axis = { data: window.a, pixels: [0, width] };
  const b: Axis = { data: window.b, pixels: [height, 0] };
  context.imageSmoothingEnabled = true;
  context.drawImage(image, 0, 0, width, height);
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1.5;
  context.beginPath();
  snapshot.path.forEach(([pa, pb], i) =>
    i === 0 ? context.moveTo(toPixel(a, pa), toPixel(b, pb)) : context.lineTo(toPixel(a, pa), toPixel(b, pb)),
  );
  context.stroke();
  const [px, py] = [toPixel(a, snapshot.a), toPixel(b, snapshot.b)];
  // −gradient: the direction the next step goes; its length grows with |∇| (capped)
  const norm = Math.hypot(snapshot.gradA, snapshot.gradB);
  if (norm > 1e-9) {
    const length = Math.min(90, 12 + 12 * norm);
    const [dx, dy] = [(-snapshot.gradA / norm) * length, (snapshot.gradB / norm) * length];
    drawArrow(context, px, py, px + dx, py + dy);
  }
  context.fillStyle = '#ffffff';
  context.beginPath();
  context.arc(px, py, 5, 0, 2 * Math.PI);
  context.fill();
  context.fillStyle = '#ffffff';
  context.font = '12px system-ui';
  context.fillText(`a →  (${window.a.join(' … ')})`, 8, height - 8);
  context.fillText(`b ↑  (${window.b.join(' … ')})`, 8, 16);
}

function drawArrow(context: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  context.strokeStyle = '#7CFC9A';
  context.fillStyle = '#7CFC9A';
  context.lineWidth = 2.5;
  context.beginPath();
  context.moveTo(x0, y0);
  context.lineTo(x1, y1);
  context.stroke();
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x1 - 10 * Math.cos(angle - 0.4), y1 - 10 * Math.sin(angle - 0.4));
  context.lineTo(x1 - 10 * Math.cos(angle + 0.4), y1 - 10 * Math.sin(angle + 0.4));
  context.fill();
  context.lineWidth = 1;
}
