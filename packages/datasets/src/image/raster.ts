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
  return raster.orientation >= 5
    ? { width: raster.height, height: raster.width }
    : { width: raster.width, height: raster.height };
}

/**
 * Where upright row y starts in `raster.data` (a sample index) and the step from one upright pixel
 * to the next: rows of the stored image for orientations 1–4, its columns for 5–8 (as PIL's
 * `ImageOps.exif_transpose`: 6 turns the stored image 90° clockwise).
 *
 * @example
 * ```ts
 * const row = uprightRow(raster); // raster 3×2 grey stored, orientation 6 → upright 2×3
 * row(0); // { base: 3, step: -3 }: the upright top row is the stored left column, bottom to top
 * ```
 */
export function uprightRow(raster: Raster): (y: number) => { base: number; step: number } {
  const { width: w, height: h, channels: n } = raster;
  switch (raster.orientation) {
    case 1:
      return (y) => ({ base: y * w * n, step: n });
    case 2:
      return (y) => ({ base: (y * w + w - 1) * n, step: -n });
    case 3:
      return (y) => ({ base: ((h - 1 - y) * w + w - 1) * n, step: -n });
    case 4:
      return (y) => ({ base: (h - 1 - y) * w * n, step: n });
    case 5:
      return (y) => ({ base: y * n, step: w * n });
    case 6:
      return (y) => ({ base: ((h - 1) * w + y) * n, step: -w * n });
    case 7:
      return (y) => ({ base: ((h - 1) * w + w - 1 - y) * n, step: -w * n });
    case 8:
      return (y) => ({ base: (w - 1 - y) * n, step: w * n });
  }
}
