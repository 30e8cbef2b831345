// decodePng/decodeImage on every PNG kind (fast-png's encoder) and on hostile PNGs built chunk by
// chunk: each refused with its one-line message, the size ones before anything is inflated.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunk, idat, IEND, ihdr, png, pngFromChunks, refusalOf } from '../../test/image-fixtures.js';
import { decodeImage } from './decode-image.js';

const refusal = (bytes: Uint8Array, options: { maxPixels?: number } = {}) =>
  refusalOf(bytes, { file: 'x.png', ...options });

describe('decodeImage: PNG kinds', () => {
  it('reads 8-bit grey and 16-bit grey with their value ranges', () => {
    const grey = decodeImage(png({ width: 2, height: 1, data: new Uint8Array([0, 200]), channels: 1, depth: 8 }));
    expect(grey).toMatchObject({ width: 2, height: 1, channels: 1, maxValue: 255, orientation: 1, format: 'png' });
    expect(Array.from(grey.data)).toEqual([0, 200]);
    const deep = decodeImage(png({ width: 2, height: 1, data: new Uint16Array([1, 65535]), channels: 1, depth: 16 }));
    expect(deep.maxValue).toBe(65535);
    expect(deep.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(deep.data)).toEqual([1, 65535]);
  });

  it('reads grey + alpha, RGB and 16-bit RGBA as stored', () => {
    expect(
      Array.from(decodeImage(png({ width: 1, height: 1, data: new Uint8Array([90, 30]), channels: 2, depth: 8 })).data),
    ).toEqual([90, 30]);
    const rgb = decodeImage(png({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]), channels: 3, depth: 8 }));
    expect([rgb.channels, ...rgb.data]).toEqual([3, 1, 2, 3]);
    const rgba = decodeImage(
      png({ width: 1, height: 1, data: new Uint16Array([1000, 2000, 3000, 65535]), channels: 4, depth: 16 }),
    );
    expect([rgba.channels, rgba.maxValue, ...rgba.data]).toEqual([4, 65535, 1000, 2000, 3000, 65535]);
  });

  it('expands palette images (8-bit, and 2-bit with tRNS alpha) to RGB / RGBA', () => {
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    const eight = decodeImage(
      png({ width: 3, height: 1, data: new Uint8Array([2, 0, 1]), channels: 1, depth: 8, palette }),
    );
    expect([eight.channels, ...eight.data]).toEqual([3, 0, 0, 255, 255, 0, 0, 0, 255, 0]);
    // 2-bit indices 2, 0, 1 packed into one byte: 10 00 01 00.
    const plte = chunk('PLTE', palette.flat());
    const trns = chunk('tRNS', [255, 0, 128]);
    const packed = chunk('IDAT', deflateSync(new Uint8Array([0, 0b10000100])));
    const two = decodeImage(pngFromChunks(ihdr(3, 1, 2, 3), plte, trns, packed, IEND));
    expect([two.channels, ...two.data]).toEqual([4, 0, 0, 255, 128, 255, 0, 0, 255, 0, 255, 0, 0]);
  });

  it('unpacks 1-bit grey to 0/255 and makes a tRNS grey key into alpha', () => {
    const bits = decodeImage(
      png({ width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01000000]), channels: 1, depth: 1 }),
    );
    expect(Array.from(bits.data)).toEqual([255, 0, 255, 0, 255, 0]);
    const keyed = decodeImage(
      pngFromChunks(
        ihdr(2, 1, 8, 0),
        chunk('tRNS', [0, 7]),
        chunk('IDAT', deflateSync(new Uint8Array([0, 7, 9]))),
        IEND,
      ),
    );
    expect([keyed.channels, ...keyed.data]).toEqual([2, 7, 0, 9, 255]);
  });

  it('reads Adam7-interlaced PNGs', () => {
    const data = Uint8Array.from({ length: 9 * 9 }, (_, i) => i);
    const bytes = png({ width: 9, height: 9, data, channels: 1, depth: 8 }, { interlace: 'Adam7' });
    expect(bytes[8 + 8 + 12]).toBe(1); // IHDR's interlace method
    expect(Array.from(decodeImage(bytes).data)).toEqual(Array.from(data));
  });
});

describe('decodeImage: hostile and damaged PNGs (issue 19: 2, 14)', () => {
  it('refuses a 68-byte PNG claiming 4294967295×1 from its header, before inflating anything', () => {
    const bomb = pngFromChunks(ihdr(4294967295, 1), idat(1, 1), IEND);
    expect(bomb.length).toBeLessThan(80);
    const message =
      'x.png: PNG declares 4294967295×1 = 4,294,967,295 pixels, over the 50,000,000-pixel limit (maxPixels); shrink the image, or raise maxPixels if the file is trusted';
    expect(refusal(bomb)).toBe(message);
    // Image data that is not even zlib gives the same answer: the header alone decided.
    expect(refusal(pngFromChunks(ihdr(4294967295, 1), chunk('IDAT', [1, 2, 3]), IEND))).toBe(message);
  });

  it('refuses a real decompression bomb (8000×8000 zeros, ~60 KB) unless maxPixels is raised', () => {
    const bomb = pngFromChunks(ihdr(8000, 8000), idat(8000, 8000), IEND);
    expect(bomb.length).toBeLessThan(100_000);
    expect(refusal(bomb)).toMatch(
      /^x\.png: PNG declares 8000×8000 = 64,000,000 pixels, over the 50,000,000-pixel limit \(maxPixels\)/,
    );
    expect(refusal(bomb, { maxPixels: 63_999_999 })).toMatch(/over the 63,999,999-pixel limit/);
  });

  it('decodes a large image once maxPixels allows it', () => {
    const big = pngFromChunks(ihdr(2000, 1000), idat(2000, 1000, 7), IEND);
    expect(refusal(big, { maxPixels: 1_999_999 })).toMatch(
      /2000×1000 = 2,000,000 pixels, over the 1,999,999-pixel limit/,
    );
    const raster = decodeImage(big, { maxPixels: 2_000_000 });
    expect([raster.width, raster.height, raster.data[1_999_999]]).toEqual([2000, 1000, 7]);
  });

  it('refuses width or height 0', () => {
    expect(refusal(pngFromChunks(ihdr(0, 5), idat(1, 1), IEND))).toBe(
      'x.png: PNG is 0×5 pixels (IHDR): an image needs width and height ≥ 1; re-save or re-export the image (it is damaged)',
    );
    expect(refusal(pngFromChunks(ihdr(5, 0), idat(1, 1), IEND))).toMatch(/PNG is 5×0 pixels/);
  });

  it('refuses a palette image without a palette', () => {
    expect(refusal(pngFromChunks(ihdr(3, 3, 8, 3), idat(3, 3), IEND))).toMatch(
      /^x\.png: PNG is a palette image without a palette \(no PLTE chunk before IDAT\); re-save/,
    );
  });

  it('refuses palette indices past the end of the palette', () => {
    const bytes = pngFromChunks(
      ihdr(2, 1, 8, 3),
      chunk('PLTE', [1, 2, 3]),
      chunk('IDAT', deflateSync(new Uint8Array([0, 0, 5]))),
      IEND,
    );
    expect(refusal(bytes)).toMatch(/PNG pixel 1 uses palette entry 5 of a 1-entry palette/);
  });

  it('refuses a bad CRC in any chunk, critical or not', () => {
    const good = png({ width: 2, height: 2, data: new Uint8Array(4), channels: 1, depth: 8 });
    const flipped = good.slice();
    flipped[8 + 8 + 13] ^= 1; // IHDR's CRC
    expect(refusal(flipped)).toBe(
      'x.png: PNG chunk IHDR at byte 8 has a bad CRC (the bytes were changed); re-save or re-export the image (it is damaged)',
    );
    const text = chunk(
      'tEXt',
      Array.from('Comment\0hi', (c) => c.charCodeAt(0)),
      1234,
    );
    expect(refusal(pngFromChunks(ihdr(1, 1), text, idat(1, 1), IEND))).toMatch(/chunk tEXt at byte 33 has a bad CRC/);
  });

  it('refuses truncation anywhere: inside a chunk, before IEND, inside the image data', () => {
    const good = png({ width: 4, height: 4, data: new Uint8Array(16).fill(9), channels: 1, depth: 8 });
    expect(refusal(good.subarray(0, good.length - 20))).toMatch(/truncated/);
    expect(refusal(good.subarray(0, good.length - 12))).toMatch(
      /PNG is truncated at byte \d+ of \d+ \(no IEND chunk\)/,
    );
    expect(refusal(pngFromChunks(ihdr(4, 4), idat(4, 3), IEND))).toMatch(
      /PNG image data inflates to 15 bytes, 20 needed \(truncated\)/,
    );
    const cut = deflateSync(new Uint8Array(21)).subarray(0, 5);
    expect(refusal(pngFromChunks(ihdr(4, 4), chunk('IDAT', cut), IEND))).toMatch(
      /PNG image data is not valid zlib data|truncated/,
    );
  });

  it('refuses surplus data: more rows than IHDR, a second zlib stream, bytes after IEND', () => {
    expect(refusal(pngFromChunks(ihdr(3, 3), idat(3, 4), IEND))).toMatch(
      /PNG image data inflates to more than the 12 bytes a 3×3 image needs \(surplus data\)/,
    );
    expect(refusal(pngFromChunks(ihdr(3, 3), idat(3, 3), idat(3, 3), IEND))).toMatch(
      /PNG image data has \d+ surplus bytes after the end of its compressed stream/,
    );
    const good = png({ width: 1, height: 1, data: new Uint8Array(1), channels: 1, depth: 8 });
    const trailing = new Uint8Array([...good, 1, 2, 3]);
    expect(refusal(trailing)).toMatch(/PNG has 3 surplus bytes after the IEND chunk/);
  });

  it('inflates a bomb inside the limit only up to what IHDR implies (surplus refused, memory bounded)', () => {
    // 100×100 declared, 60 MB of zeros compressed to ~60 KB: stopped at 10,100 bytes.
    const huge = chunk('IDAT', deflateSync(new Uint8Array(60_000_000), { level: 9 }));
    const before = process.memoryUsage().rss;
    expect(refusal(pngFromChunks(ihdr(100, 100), huge, IEND))).toMatch(
      /more than the 10100 bytes a 100×100 image needs \(surplus data\)/,
    );
    // Inflating it all would add the 60 MB it expands to; the bound leaves room for the garbage
    // collector's timing (the 60 MB source array above may be released during the call or not).
    expect(process.memoryUsage().rss - before).toBeLessThan(60_000_000);
  });

  it('refuses files that are not images, or empty', () => {
    expect(refusal(new TextEncoder().encode('GIF89a....'))).toBe(
      'x.png: not a PNG or JPEG image (starts with "GIF89a.."); give a PNG or JPEG image (convert other formats first)',
    );
    expect(refusal(new Uint8Array([0, 1, 2, 0xff]))).toMatch(/starts with bytes 00 01 02 ff/);
    expect(refusal(new Uint8Array(0))).toMatch(/the file is empty \(0 bytes\)/);
  });

  it('refuses invalid IHDR fields and unknown critical chunks', () => {
    expect(refusal(pngFromChunks(ihdr(1, 1, 16, 3), idat(1, 1), IEND))).toMatch(
      /colour type 3 with bit depth 16 is not a valid combination/,
    );
    expect(refusal(pngFromChunks(ihdr(1, 1), chunk('ABCD', []), idat(1, 1), IEND))).toMatch(
      /unknown critical chunk ABCD/,
    );
    expect(refusal(pngFromChunks(ihdr(1, 1), IEND))).toMatch(/no image data \(no IDAT chunk\)/);
  });
});
