// PNG file → grayscale intensities in 0..1 (fast-png decodes; we convert). Transparent pixels
// count as background. Node-free: takes the file's bytes.
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';

/** A grayscale image: `width × height` values in 0..1, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** Sample `channel` of pixel (x, y), also for bit depths 1, 2 and 4 (packed, rows byte-aligned). */
function sampleReader(png: DecodedPng): (x: number, y: number, channel: number) => number {
  const { data, depth, channels, width } = png;
  if (depth >= 8) return (x, y, channel) => data[(y * width + x) * channels + channel]!;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  return (x, y, channel) => {
    const index = x * channels + channel;
    const byte = data[y * rowBytes + Math.floor(index / perByte)]!;
    return (byte >> (8 - depth * ((index % perByte) + 1))) & mask;
  };
}

/**
 * Decodes a PNG into grayscale 0..1: luminance 0.299 R + 0.587 G + 0.114 B, alpha-blended onto
 * the background (black, or white when `darkOnLight`, so that after inversion it is black again);
 * with `darkOnLight` the values are inverted (1 − v) so ink is bright, as in MNIST.
 *
 * @example
 * ```ts
 * const { width, height, pixels } = pngToGray(readFileSync('digit.png'), { darkOnLight: true });
 * ```
 */
export function pngToGray(bytes: Uint8Array, options: { darkOnLight: boolean }): GrayImage {
  let png = decode(bytes);
  if (png.palette !== undefined) {
    const rgb = convertIndexedToRgb(png);
    png = { ...png, data: rgb, depth: 8, channels: rgb.length / (png.width * png.height), palette: undefined };
  }
  const { width, height, channels, depth } = png;
  const max = 2 ** depth - 1;
  const read = sampleReader(png);
  const hasAlpha = channels === 2 || channels === 4;
  const color = channels >= 3;
  const background = options.darkOnLight ? 1 : 0;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = color ? (0.299 * read(x, y, 0) + 0.587 * read(x, y, 1) + 0.114 * read(x, y, 2)) / max : read(x, y, 0) / max;
      const alpha = hasAlpha ? read(x, y, channels - 1) / max : 1;
      const blended = alpha * value + (1 - alpha) * background;
      pixels[y * width + x] = options.darkOnLight ? 1 - blended : blended;
    }
  }
  return { width, height, pixels };
}
