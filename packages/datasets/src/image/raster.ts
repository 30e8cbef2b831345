// A decoded image as the decoders hand it over: interleaved samples, and the EXIF orientation
// still to apply (applied while resizing, without a copy). Imports nothing; browser-safe.

/** EXIF orientations 1..8 (1: as stored; 3: rotate 180°; 6: rotate 90° clockwise; 8: 90° counter-clockwise; 2, 4, 5, 7: mirrored). */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * Decoded pixels: `width × height` (as stored in the file) × `channels` interleaved samples,
 * row-major, 0..`maxValue`. Channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
 */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array | Uint16Array;
  readonly maxValue: 255 | 65535;
  /** How to turn the stored pixels upright (EXIF; always 1 for PNG). */
  readonly orientation: Orientation;
  readonly format: 'png' | 'jpeg';
}

/** Width and height of `raster` once turned upright (orientations 5–8 swap them). */
export function uprightSize(raster: Raster): { width: number; height: number } {
  return raster.orientation >= 5 ? { width: raster.height, height: raster.width } : { width: raster.width, height: raster.height };
}

/**
 * The stored pixel index (y · width + x) shown at upright position (x, y), for each orientation
 * (as PIL's `ImageOps.exif_transpose`: 6 turns the stored image 90° clockwise).
 *
 * @example
 * ```ts
 * const at = uprightIndex(raster); // raster 3×2 stored, orientation 6 → upright 2×3
 * at(1, 0); // the stored top-left pixel is the upright top-right one: 0
 * ```
 */
export function uprightIndex(raster: Raster): (x: number, y: number) => number {
  const { width: w, height: h } = raster;
  switch (raster.orientation) {
    case 1: return (x, y) => y * w + x;
    case 2: return (x, y) => y * w + (w - 1 - x);
    case 3: return (x, y) => (h - 1 - y) * w + (w - 1 - x);
    case 4: return (x, y) => (h - 1 - y) * w + x;
    case 5: return (x, y) => x * w + y;
    case 6: return (x, y) => (h - 1 - x) * w + y;
    case 7: return (x, y) => (h - 1 - x) * w + (w - 1 - y);
    case 8: return (x, y) => x * w + (w - 1 - y);
  }
}
