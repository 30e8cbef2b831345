// Test fixtures made on the fly: PNGs from fast-png's encoder or chunk by chunk (crafted headers
// with valid CRCs), JPEGs from jpeg-js's encoder with an EXIF orientation spliced in.
import { encode as encodePng, type ImageData, type PngEncoderOptions } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { decodeImage, type DecodeImageOptions } from '../src/image/decode-image.js';
import { ImageError } from '../src/image/image-error.js';

export const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG made by fast-png's encoder. */
export function png(image: ImageData, options?: PngEncoderOptions): Uint8Array {
  return encodePng(image, options);
}

/** One PNG chunk with a correct CRC (or `crc` if given). */
export function chunk(type: string, data: Uint8Array | number[], crc?: number): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  body.set(Array.from(type, (c) => c.charCodeAt(0)));
  body.set(data, 4);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(body, 4);
  view.setUint32(8 + data.length, crc ?? crc32(body));
  return out;
}

/** IHDR data: width, height, bit depth, colour type (no interlace). */
export function ihdr(width: number, height: number, bitDepth = 8, colorType = 0, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}

/** A PNG from its chunks: signature, then the chunks as given. */
export function pngFromChunks(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(8 + chunks.reduce((sum, c) => sum + c.length, 0));
  out.set(SIGNATURE);
  let at = 8;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Filtered scanlines (filter byte 0 then `rowBytes` bytes of `value`) for `height` rows, zlib'd. */
export function idat(rowBytes: number, height: number, value = 0): Uint8Array {
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) raw.fill(value, y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
  return chunk('IDAT', deflateSync(raw, { level: 9 }));
}

export const IEND = chunk('IEND', []);

/** A `width × height` RGB JPEG of `rgb(x, y)` (jpeg-js's encoder, quality 100). */
export function jpeg(
  width: number,
  height: number,
  rgb: (x: number, y: number) => [number, number, number],
): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...rgb(x, y), 255], (y * width + x) * 4);
  }
  return new Uint8Array(encodeJpeg({ width, height, data }, 100).data);
}

/** `jpegBytes` with an APP1 EXIF segment (IFD0 with one orientation entry) right after SOI. */
export function withOrientation(jpegBytes: Uint8Array, orientation: number, littleEndian = true): Uint8Array {
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const view = new DataView(tiff.buffer);
  tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, 1, littleEndian);
  view.setUint16(10, 0x0112, littleEndian);
  view.setUint16(12, 3, littleEndian);
  view.setUint32(14, 1, littleEndian);
  view.setUint16(18, orientation, littleEndian);
  return withApp1(jpegBytes, tiff);
}

/** `jpegBytes` with an APP1 "Exif\0\0" segment holding `tiff` right after SOI. */
export function withApp1(jpegBytes: Uint8Array, tiff: Uint8Array): Uint8Array {
  const payload = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]);
  const segment = new Uint8Array(4 + payload.length);
  segment.set([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  segment.set(payload, 4);
  const out = new Uint8Array(jpegBytes.length + segment.length);
  out.set(jpegBytes.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpegBytes.subarray(2), 2 + segment.length);
  return out;
}

/** The byte offset of the frame header (FF C0/C1/C2) of a JPEG. */
export function sofOffset(bytes: Uint8Array): number {
  for (let at = 2; at + 4 < bytes.length; ) {
    const marker = bytes[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) return at;
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  throw new Error('no frame header');
}

/** The one-line ImageError message with which decodeImage refuses `bytes` (fails the test if it accepts them). */
export function refusalOf(bytes: Uint8Array, options: DecodeImageOptions): string {
  try {
    decodeImage(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('decodeImage accepted the file');
}
