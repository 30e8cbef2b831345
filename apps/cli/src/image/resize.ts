// Resizing a grayscale image by area averaging: each output pixel is the mean of the input area it
// covers (fractional edges weighted), which keeps thin strokes when shrinking a large drawing.
import type { GrayImage } from './png-grayscale.js';

/**
 * `image` resized to `width × height` by area averaging (box filter over exact pixel footprints).
 * Enlarging repeats pixels; shrinking by a whole factor averages whole blocks.
 *
 * @example
 * ```ts
 * const small = resizeArea(drawing, 28, 28); // e.g. 280×280 → 28×28: means of 10×10 blocks
 * ```
 */
export function resizeArea(image: GrayImage, width: number, height: number): GrayImage {
  const out = new Float32Array(width * height);
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  for (let oy = 0; oy < height; oy++) {
    const y0 = oy * scaleY;
    const y1 = y0 + scaleY;
    for (let ox = 0; ox < width; ox++) {
      const x0 = ox * scaleX;
      const x1 = x0 + scaleX;
      let sum = 0;
      for (let iy = Math.floor(y0); iy < Math.min(Math.ceil(y1), image.height); iy++) {
        const coverY = Math.min(y1, iy + 1) - Math.max(y0, iy);
        for (let ix = Math.floor(x0); ix < Math.min(Math.ceil(x1), image.width); ix++) {
          const coverX = Math.min(x1, ix + 1) - Math.max(x0, ix);
          sum += coverX * coverY * image.pixels[iy * image.width + ix]!;
        }
      }
      out[oy * width + ox] = sum / (scaleX * scaleY);
    }
  }
  return { width, height, pixels: out };
}
