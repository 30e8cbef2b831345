// Heat maps as RGBA pixels: a value grid → colours. Pure (no DOM), so views only blit the result
// with putImageData and the tests can check the colours.

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** Playground's palette: orange for class 0 / low values, white in the middle, blue for class 1 / high values. */
export const DIVERGING: readonly Rgb[] = [
  [245, 147, 34],
  [232, 234, 235],
  [8, 119, 189],
];

/** Gradients: purple for negative, white at zero, green for positive (distinct from the value colours). */
export const GRADIENT: readonly Rgb[] = [
  [118, 42, 131],
  [245, 245, 245],
  [27, 120, 55],
];

/** A blue-to-yellow ramp for loss surfaces (low loss dark blue, high loss yellow). */
export const SEQUENTIAL: readonly Rgb[] = [
  [13, 8, 135],
  [126, 3, 168],
  [204, 71, 120],
  [248, 149, 64],
  [240, 249, 33],
];

/**
 * The colour at `t` in [0, 1] along `palette` (linear between its stops; `t` is clamped, NaN
 * counts as 0).
 *
 * @example
 * ```ts
 * colorAt(DIVERGING, 0.5); // [232, 234, 235]: the neutral middle
 * ```
 */
export function colorAt(palette: readonly Rgb[], t: number): Rgb {
  const out: [number, number, number] = [0, 0, 0];
  writeColor(palette, t, out, 0);
  return out;
}

/** Writes the colour at `t` into `target[offset..offset + 2]` — {@link colorAt} without allocating, for per-pixel loops. */
function writeColor(palette: readonly Rgb[], t: number, target: { [index: number]: number }, offset: number): void {
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const position = clamped * (palette.length - 1);
  const index = Math.min(palette.length - 2, Math.floor(position));
  const fraction = position - index;
  const from = palette[index]!;
  const to = palette[index + 1]!;
  for (let c = 0; c < 3; c++) target[offset + c] = Math.round(from[c]! + (to[c]! - from[c]!) * fraction);
}

/** Options of {@link heatmapPixels}. */
export interface HeatmapOptions {
  /** The grid, row-major: `values[row * columns + column]`. Row 0 is drawn at the top. */
  values: ArrayLike<number>;
  columns: number;
  rows: number;
  palette: readonly Rgb[];
  /** Maps a value to [0, 1] before colouring (default: identity). */
  scale?: (value: number) => number;
  /** Opacity 0..255 (default 255). */
  alpha?: number;
}

/**
 * RGBA bytes (`columns × rows × 4`) for a value grid, ready for `new ImageData(pixels, columns, rows)`.
 *
 * @example
 * ```ts
 * const pixels = heatmapPixels({ values: probabilities, columns: 50, rows: 50, palette: DIVERGING });
 * context.putImageData(new ImageData(pixels, 50, 50), 0, 0);
 * ```
 */
export function heatmapPixels(options: HeatmapOptions): Uint8ClampedArray<ArrayBuffer> {
  const { values, columns, rows, palette, scale = (v: number) => v, alpha = 255 } = options;
  if (values.length !== columns * rows) {
    throw new Error(`heatmapPixels: ${values.length} values do not fill a ${columns}×${rows} grid (${columns * rows})`);
  }
  const pixels = new Uint8ClampedArray(columns * rows * 4);
  for (let i = 0; i < values.length; i++) {
    writeColor(palette, scale(values[i]!), pixels, 4 * i);
    pixels[4 * i + 3] = alpha;
  }
  return pixels;
}
