// JPEG bytes → Raster: the markers walked first (frame size refused over the pixel limit before
// decoding, EXIF orientation read), then jpeg-js with its memory bound. Browser-safe; no node:*.
import { decode } from 'jpeg-js';
import { exifOrientation } from './exif-orientation.js';
import { DAMAGED, ImageError } from './image-error.js';
import { checkPixels } from './png-check.js';
import type { Orientation, Raster } from './raster.js';

/** What the markers before the first scan say. */
export interface JpegInfo {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly orientation: Orientation;
}

// NOTE(jpeg-memory): jpeg-js keeps each component's DCT coefficients (4 bytes a sample, padded to
// whole 8×8 blocks), each component's samples and the RGB output: about 20 bytes a pixel for 4:4:4
// colour. Its own bound (maxMemoryUsageInMB) is set from maxPixels so that any image under the
// pixel limit decodes and nothing larger can be allocated, whatever the file claims later.
const DECODER_BYTES_PER_PIXEL = 24;
const DECODER_SLACK_MB = 16;
const SOF_SUPPORTED = new Set([0xc0, 0xc1, 0xc2]);

/**
 * Walks the JPEG markers of `bytes` (which start with FF D8) up to the first scan and checks that
 * an end-of-image marker follows. Throws an {@link ImageError} naming `file` for truncation, a
 * size of 0 or over `maxPixels`, no frame header, and kinds jpeg-js cannot decode (lossless,
 * arithmetic-coded, 12-bit).
 *
 * @example
 * ```ts
 * scanJpeg(bytes, { file: 'cat.jpg', maxPixels: 50_000_000 }); // { width: 640, height: 480, components: 3, orientation: 1 }
 * ```
 */
export function scanJpeg(bytes: Uint8Array, options: { file: string; maxPixels: number }): JpegInfo {
  const { file, maxPixels } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let frame: Omit<JpegInfo, 'orientation'> | undefined;
  let orientation: Orientation | undefined;
  let offset = 2;
  for (;;) {
    if (offset + 4 > bytes.length)
      throw new ImageError(
        file,
        `JPEG is truncated at byte ${offset} of ${bytes.length} (before the image data)`,
        DAMAGED,
      );
    if (bytes[offset] !== 0xff) throw new ImageError(file, `JPEG has no marker at byte ${offset}`, DAMAGED);
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9) throw new ImageError(file, 'JPEG ends before any image data', DAMAGED);
    const length = view.getUint16(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) {
      throw new ImageError(
        file,
        `JPEG segment FF${hex(marker)} at byte ${offset} declares ${length} bytes, only ${bytes.length - offset - 2} remain (truncated)`,
        DAMAGED,
      );
    }
    const payload = bytes.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xe1 && orientation === undefined && payload[0] === 0x45) orientation = exifOrientation(payload);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame !== undefined) throw new ImageError(file, 'JPEG has more than one frame header', DAMAGED);
      if (!SOF_SUPPORTED.has(marker)) {
        throw new ImageError(
          file,
          `JPEG is of a kind that cannot be decoded here (frame type FF${hex(marker)}: lossless, hierarchical or arithmetic-coded)`,
          're-save it as a baseline or progressive JPEG, or as PNG',
        );
      }
      if (payload.length < 6) throw new ImageError(file, 'JPEG frame header is truncated', DAMAGED);
      const precision = payload[0]!;
      const height = view.getUint16(offset + 5);
      const width = view.getUint16(offset + 7);
      const components = payload[5]!;
      if (width === 0 || height === 0)
        throw new ImageError(
          file,
          `JPEG is ${width}×${height} pixels (frame header): an image needs width and height ≥ 1`,
          DAMAGED,
        );
      checkPixels(file, 'JPEG', width, height, maxPixels);
      if (precision !== 8)
        throw new ImageError(
          file,
          `JPEG has ${precision}-bit samples; only 8-bit JPEG is decoded`,
          're-save it as an 8-bit JPEG or as PNG',
        );
      if (![1, 3, 4].includes(components) || payload.length !== 6 + 3 * components) {
        throw new ImageError(
          file,
          `JPEG frame header declares ${components} colour components (1, 3 or 4 expected)`,
          DAMAGED,
        );
      }
      frame = { width, height, components };
    }
    offset += 2 + length;
    if (marker === 0xda) break; // start of scan: entropy-coded data follows
  }
  if (frame === undefined) throw new ImageError(file, 'JPEG has image data before a frame header', DAMAGED);
  if (!hasEndMarker(bytes, offset))
    throw new ImageError(file, 'JPEG is truncated (no end-of-image marker FF D9)', DAMAGED);
  return { ...frame, orientation: orientation ?? 1 };
}

/**
 * Decodes a baseline or progressive 8-bit JPEG (grey, YCbCr, CMYK) to RGB, with its EXIF
 * orientation (applied when resizing). Throws an {@link ImageError} naming `file` for anything
 * {@link scanJpeg} refuses and for corrupt image data.
 *
 * @example
 * ```ts
 * const raster = decodeJpeg(bytes, { file: 'cat.jpg', maxPixels: 50_000_000 }); // channels 3, maxValue 255
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, options: { file: string; maxPixels: number }): Raster {
  const info = scanJpeg(bytes, options);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      // scanJpeg already enforced maxPixels exactly; one pixel of slack keeps float rounding from refusing an image at the limit.
      maxResolutionInMP: (options.maxPixels + 1) / 1e6,
      maxMemoryUsageInMB: Math.ceil((options.maxPixels * DECODER_BYTES_PER_PIXEL) / 2 ** 20) + DECODER_SLACK_MB,
    });
  } catch (error) {
    throw new ImageError(
      options.file,
      `JPEG image data is corrupt (${String((error as Error).message).slice(0, 80)})`,
      DAMAGED,
      { cause: error },
    );
  }
  if (
    image.width !== info.width ||
    image.height !== info.height ||
    image.data.length !== info.width * info.height * 3
  ) {
    throw new ImageError(
      options.file,
      `JPEG decoded to ${image.width}×${image.height}, not the ${info.width}×${info.height} its header declares`,
      DAMAGED,
    );
  }
  return {
    width: info.width,
    height: info.height,
    channels: 3,
    data: image.data,
    maxValue: 255,
    orientation: info.orientation,
    format: 'jpeg',
  };
}

/** Whether FF D9 occurs at or after `from` (entropy-coded data escapes FF as FF 00, so it cannot occur by chance). */
function hasEndMarker(bytes: Uint8Array, from: number): boolean {
  for (let at = bytes.indexOf(0xff, from); at !== -1 && at + 1 < bytes.length; at = bytes.indexOf(0xff, at + 1)) {
    if (bytes[at + 1] === 0xd9) return true;
  }
  return false;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
