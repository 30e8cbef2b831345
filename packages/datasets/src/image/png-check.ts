// A PNG's structure checked before fast-png decodes it: chunk bounds and CRCs, IHDR (sizes over the
// pixel limit refused first), PLTE, IDAT data inflated with a bound. Browser-safe; no node:*.
import { Unzlib } from 'fflate';
import { crc32 } from '../crc32.js';
import { DAMAGED, ImageError } from './image-error.js';

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The fields of a PNG's IHDR chunk. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly interlaced: boolean;
}

/** A checked PNG: its header and the same image with only the chunks fast-png needs (no iCCP, text…). */
export interface CheckedPng {
  readonly header: PngHeader;
  readonly bytes: Uint8Array;
}

const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// NOTE(inflate-slices): deflate expands at most ~1032×, so feeding compressed data in 16 KiB
// slices bounds what one push can produce (~16 MiB) even for a bomb; the total is bounded by the
// size IHDR implies, and a stream that would give more is refused as surplus data.
const SLICE = 16 * 1024;

/**
 * Checks `bytes` (which start with the PNG signature) and returns the header and a copy with the
 * chunks IHDR, PLTE, tRNS, IDAT, IEND only. Refuses, as an {@link ImageError} naming `file`: a size
 * of 0 or over `maxPixels` (before anything is inflated), a bad CRC, truncation, bytes after IEND, a
 * palette image without PLTE, a missing IDAT, an unknown critical chunk, and image data that
 * inflates to more or fewer bytes than width × height need.
 *
 * @example
 * ```ts
 * const { header, bytes: clean } = checkPng(bytes, { file: 'cat.png', maxPixels: 50_000_000 });
 * ```
 */
export function checkPng(bytes: Uint8Array, options: { file: string; maxPixels: number }): CheckedPng {
  const { file, maxPixels } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [PNG_SIGNATURE];
  const idat: Uint8Array[] = [];
  let header: PngHeader | undefined;
  let palette = false;
  let idatEnded = false;
  let offset = PNG_SIGNATURE.length;
  for (;;) {
    if (offset + 12 > bytes.length)
      throw new ImageError(file, `PNG is truncated at byte ${offset} of ${bytes.length} (no IEND chunk)`, DAMAGED);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type))
      throw new ImageError(file, `PNG chunk at byte ${offset} has no valid type`, DAMAGED);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) {
      throw new ImageError(
        file,
        `PNG chunk ${type} at byte ${offset} declares ${length} bytes, only ${bytes.length - offset - 12} remain (truncated)`,
        DAMAGED,
      );
    }
    const chunk = bytes.subarray(offset, offset + 12 + length);
    const data = chunk.subarray(8, 8 + length);
    if (crc32(chunk.subarray(4, 8 + length)) !== view.getUint32(offset + 8 + length)) {
      throw new ImageError(file, `PNG chunk ${type} at byte ${offset} has a bad CRC (the bytes were changed)`, DAMAGED);
    }
    offset += 12 + length;
    if (header === undefined) {
      if (type !== 'IHDR' || length !== 13)
        throw new ImageError(file, `PNG does not start with a 13-byte IHDR chunk (found ${type})`, DAMAGED);
      header = readHeader(data, file, maxPixels);
      kept.push(chunk);
      continue;
    }
    if (idat.length > 0 && type !== 'IDAT') idatEnded = true;
    if (type === 'IEND') {
      kept.push(chunk);
      break;
    }
    if (type === 'IHDR') throw new ImageError(file, 'PNG has a second IHDR chunk', DAMAGED);
    if (type === 'PLTE') {
      if (idat.length > 0 || palette)
        throw new ImageError(file, 'PNG has a PLTE chunk after the image data or twice', DAMAGED);
      if (length === 0 || length % 3 !== 0 || length > 768)
        throw new ImageError(file, `PNG palette is ${length} bytes, not 3 × 1..256 entries`, DAMAGED);
      palette = true;
      kept.push(chunk);
    } else if (type === 'tRNS') {
      if (header.colorType === 3 && !palette) throw new ImageError(file, 'PNG has tRNS before PLTE', DAMAGED);
      if (header.colorType === 0 || header.colorType === 2 || header.colorType === 3) kept.push(chunk);
    } else if (type === 'IDAT') {
      if (idatEnded) throw new ImageError(file, 'PNG image data (IDAT) is split by other chunks', DAMAGED);
      if (header.colorType === 3 && !palette) {
        throw new ImageError(file, 'PNG is a palette image without a palette (no PLTE chunk before IDAT)', DAMAGED);
      }
      idat.push(data);
      kept.push(chunk);
    } else if (type.charCodeAt(0) < 0x61) {
      throw new ImageError(file, `PNG has an unknown critical chunk ${type}`, 'convert it to a standard PNG or JPEG');
    }
  }
  if (header === undefined) throw new ImageError(file, 'PNG has no IHDR chunk', DAMAGED);
  if (offset !== bytes.length)
    throw new ImageError(file, `PNG has ${bytes.length - offset} surplus bytes after the IEND chunk`, DAMAGED);
  if (idat.length === 0) throw new ImageError(file, 'PNG has no image data (no IDAT chunk)', DAMAGED);
  checkInflatedSize(idat, header, file);
  const out = new Uint8Array(kept.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of kept) {
    out.set(part, at);
    at += part.length;
  }
  return { header, bytes: out };
}

function readHeader(data: Uint8Array, file: string, maxPixels: number): PngHeader {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || height === 0)
    throw new ImageError(file, `PNG is ${width}×${height} pixels (IHDR): an image needs width and height ≥ 1`, DAMAGED);
  checkPixels(file, 'PNG', width, height, maxPixels);
  if (DEPTHS[colorType!]?.includes(bitDepth!) !== true) {
    throw new ImageError(
      file,
      `PNG colour type ${colorType} with bit depth ${bitDepth} is not a valid combination (IHDR)`,
      DAMAGED,
    );
  }
  if (compression !== 0 || filter !== 0 || interlace! > 1)
    throw new ImageError(file, 'PNG declares an unknown compression, filter or interlace method (IHDR)', DAMAGED);
  return {
    width,
    height,
    bitDepth: bitDepth as PngHeader['bitDepth'],
    colorType: colorType as PngHeader['colorType'],
    interlaced: interlace === 1,
  };
}

/**
 * Throws unless `width × height ≤ maxPixels` — called on header fields, before any decoding.
 *
 * @example
 * ```ts
 * checkPixels('big.png', 'PNG', 4294967295, 1, 50_000_000); // throws: over the 50,000,000-pixel limit
 * ```
 */
export function checkPixels(file: string, format: string, width: number, height: number, maxPixels: number): void {
  if (width * height <= maxPixels) return;
  throw new ImageError(
    file,
    `${format} declares ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels, over the ${maxPixels.toLocaleString('en-US')}-pixel limit (maxPixels)`,
    'shrink the image, or raise maxPixels if the file is trusted',
  );
}

/** Bytes the filtered scanlines of `header` take once inflated (each row has a filter byte). */
function inflatedSize(header: PngHeader): number {
  const bits = CHANNELS[header.colorType]! * header.bitDepth;
  const rows = (width: number, height: number) =>
    width > 0 && height > 0 ? height * (1 + Math.ceil((width * bits) / 8)) : 0;
  if (!header.interlaced) return rows(header.width, header.height);
  // Adam7: seven passes with these starting points and steps (x0, y0, dx, dy).
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes)
    total += rows(Math.ceil((header.width - x0) / dx), Math.ceil((header.height - y0) / dy));
  return total;
}

function checkInflatedSize(idat: Uint8Array[], header: PngHeader, file: string): void {
  const expected = inflatedSize(header);
  let total = 0;
  const stream = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > expected)
      throw new ImageError(
        file,
        `PNG image data inflates to more than the ${expected} bytes a ${header.width}×${header.height} image needs (surplus data)`,
        DAMAGED,
      );
  });
  try {
    for (const data of idat) for (let at = 0; at < data.length; at += SLICE) stream.push(data.subarray(at, at + SLICE));
    stream.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(file, `PNG image data is not valid zlib data (${(error as Error).message})`, DAMAGED, {
      cause: error,
    });
  }
  // NOTE(zlib-tail): fflate (pinned) keeps the input it has not consumed in `p` (without the 4-byte
  // checksum), the first byte partly read when the bit position `s.p` is not 0; whole bytes left once
  // the deflate stream has ended are data the image does not use.
  const state = stream as unknown as { p?: Uint8Array; s?: { p?: number } };
  const unread = (state.p?.length ?? 0) - ((state.s?.p ?? 0) > 0 ? 1 : 0);
  if (unread > 0)
    throw new ImageError(
      file,
      `PNG image data has ${unread} surplus bytes after the end of its compressed stream`,
      DAMAGED,
    );
  if (total < expected)
    throw new ImageError(file, `PNG image data inflates to ${total} bytes, ${expected} needed (truncated)`, DAMAGED);
}
