// Which way round a drawing is: light ink on dark paper (as MNIST) or dark ink on light paper (as
// people write), told from the picture's border. Imports nothing outside this folder; browser-safe.
import type { Raster } from './raster.js';

/** `light-on-dark`: MNIST's way (white digit on black); `dark-on-light`: ink on paper. */
export type InkPolarity = 'light-on-dark' | 'dark-on-light';

/** The border ring is this share of the shorter side thick (at least one pixel). */
const BORDER_SHARE = 1 / 20;

/**
 * The polarity of a drawing, or null when it cannot be told (a fully transparent picture).
 *
 * NOTE(polarity): the paper is what the border shows: the mean luminance of the opaque pixels of a
 * ring around the edge (1/20 of the shorter side thick), light when above one half. A digit that
 * touches the edge moves the mean only a little. A picture whose border is mostly transparent (a
 * drawing exported without a background) has no paper to look at: then the ink decides — opaque
 * pixels darker than one half on average are dark ink, meant for light paper.
 *
 * @example
 * ```ts
 * inkPolarity(decodeImage(bytes)); // 'dark-on-light' for a 7 in black pen on white paper
 * ```
 */
export function inkPolarity(raster: Raster): InkPolarity | null {
  const { width, height } = raster;
  const ring = Math.max(1, Math.floor(Math.min(width, height) * BORDER_SHARE));
  const border = meanOpaque(raster, ring);
  const borderPixels = width * height - Math.max(0, width - 2 * ring) * Math.max(0, height - 2 * ring);
  if (border.count >= borderPixels / 2) return border.mean > 0.5 ? 'dark-on-light' : 'light-on-dark';
  const ink = meanOpaque(raster, Math.max(width, height));
  if (ink.count === 0) return null;
  return ink.mean < 0.5 ? 'dark-on-light' : 'light-on-dark';
}

/** Mean luminance (0..1) and count of the opaque pixels (alpha ≥ one half) within `ring` pixels of the edge. */
function meanOpaque(raster: Raster, ring: number): { mean: number; count: number } {
  const { width, height, channels, data, maxValue } = raster;
  const hasAlpha = channels === 2 || channels === 4;
  let sum = 0;
  let count = 0;
  const add = (x: number, y: number) => {
    const i = (y * width + x) * channels;
    if (hasAlpha && data[i + channels - 1]! < maxValue / 2) return;
    sum += channels >= 3 ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i]!;
    count++;
  };
  for (let y = 0; y < height; y++) {
    if (y < ring || y >= height - ring) {
      for (let x = 0; x < width; x++) add(x, y);
      continue;
    }
    // Inside the top and bottom bands, only the left and right bands (never a pixel twice).
    for (let x = 0; x < Math.min(ring, width); x++) add(x, y);
    for (let x = Math.max(ring, width - ring); x < width; x++) add(x, y);
  }
  return { mean: count === 0 ? 0 : sum / count / maxValue, count };
}
