// Image bytes → Raster, whichever format they are (PNG or JPEG, told by their first bytes, not by
// the file name). Browser-safe; no node:*.
import { ImageError } from './image-error.js';
import { decodeJpeg } from './jpeg-decode.js';
import { IMAGE_LIMITS, checkLimit } from './limits.js';
import { PNG_SIGNATURE } from './png-check.js';
import { decodePng } from './png-decode.js';
import type { Raster } from './raster.js';

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Named in error messages; default `'image'`. */
  readonly file?: string;
  /** Most pixels (width × height) the header may declare; default 50,000,000 ({@link IMAGE_LIMITS}). */
  readonly maxPixels?: number;
}

/**
 * Decodes PNG or JPEG bytes. The size in the file's header is checked against `maxPixels` before
 * any pixel is decoded; everything wrong with the file is an {@link ImageError} whose one-line
 * message names the file, the problem and the fix.
 *
 * @example
 * ```ts
 * const raster = decodeImage(bytes, { file: 'cat.jpg' }); // { width, height, channels, data, maxValue, orientation, format }
 * ```
 */
export function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): Raster {
  const file = options.file ?? 'image';
  const maxPixels = checkLimit('maxPixels', options.maxPixels, IMAGE_LIMITS.maxPixels);
  if (bytes.length === 0) throw new ImageError(file, 'the file is empty (0 bytes)', 'give a PNG or JPEG image');
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return decodePng(bytes, { file, maxPixels });
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes, { file, maxPixels });
  throw new ImageError(file, `not a PNG or JPEG image (${describeStart(bytes)})`, 'give a PNG or JPEG image (convert other formats first)');
}

/** The first bytes of a file, for a message: printable ASCII shown as text, the rest in hex. */
function describeStart(bytes: Uint8Array): string {
  const start = bytes.subarray(0, 8);
  if (start.every((byte) => byte >= 0x20 && byte < 0x7f)) return `starts with "${String.fromCharCode(...start)}"`;
  return `starts with bytes ${Array.from(start, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}
