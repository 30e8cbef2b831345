// Image bytes → Raster, whichever format they are (PNG or JPEG, told by their first bytes, not by
// the file name). Browser-safe; no node:*.
import { ImageError } from './image-error.js';
import { decodeJpeg, scanJpeg } from './jpeg-decode.js';
import { IMAGE_LIMITS, checkLimit } from './limits.js';
import { checkPng, PNG_SIGNATURE } from './png-check.js';
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
  const { file, maxPixels, format } = sniff(bytes, options);
  return format === 'png' ? decodePng(bytes, { file, maxPixels }) : decodeJpeg(bytes, { file, maxPixels });
}

/** What {@link checkImage} finds: the format and the size the header declares. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
}

/**
 * Checks PNG or JPEG bytes without decoding the pixels — for a decoder that cannot be bounded (a
 * browser's `createImageBitmap`): the size in the header against `maxPixels`, and the structure
 * {@link decodeImage} checks first (PNG: chunks, CRCs, image data inflated with a bound and
 * counted; JPEG: markers, frame header, end-of-image marker). Throws the same {@link ImageError}s.
 *
 * @example
 * ```ts
 * const { format, width, height } = checkImage(bytes, { file: 'cat.jpg', maxPixels: 24_000_000 });
 * const bitmap = await createImageBitmap(new Blob([bytes])); // only now
 * ```
 */
export function checkImage(bytes: Uint8Array, options: DecodeImageOptions = {}): ImageHeader {
  const { file, maxPixels, format } = sniff(bytes, options);
  if (format === 'png') {
    const { width, height } = checkPng(bytes, { file, maxPixels }).header;
    return { format, width, height };
  }
  const { width, height } = scanJpeg(bytes, { file, maxPixels });
  return { format, width, height };
}

/** The format told by the first bytes, with the options resolved; an ImageError for other files. */
function sniff(
  bytes: Uint8Array,
  options: DecodeImageOptions,
): { file: string; maxPixels: number; format: 'png' | 'jpeg' } {
  const file = options.file ?? 'image';
  const maxPixels = checkLimit('maxPixels', options.maxPixels, IMAGE_LIMITS.maxPixels);
  if (bytes.length === 0) throw new ImageError(file, 'the file is empty (0 bytes)', 'give a PNG or JPEG image');
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return { file, maxPixels, format: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { file, maxPixels, format: 'jpeg' };
  throw new ImageError(
    file,
    `not a PNG or JPEG image (${describeStart(bytes)})`,
    'give a PNG or JPEG image (convert other formats first)',
  );
}

/** The first bytes of a file, for a message: printable ASCII shown as text, the rest in hex. */
function describeStart(bytes: Uint8Array): string {
  const start = bytes.subarray(0, 8);
  if (start.every((byte) => byte >= 0x20 && byte < 0x7f)) return `starts with "${String.fromCharCode(...start)}"`;
  return `starts with bytes ${Array.from(start, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}
