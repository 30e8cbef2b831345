// checkImage: the header size and structure of PNG and JPEG checked without decoding the pixels,
// with decodeImage's own messages (the page checks this way before createImageBitmap decodes).
import { describe, expect, it } from 'vitest';
import { IEND, idat, ihdr, jpeg, png, pngFromChunks } from '../../test/image-fixtures.js';
import { checkImage } from './decode-image.js';
import { ImageError } from './image-error.js';

const message = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return (error as Error).message;
  }
  throw new Error('expected an ImageError');
};

describe('checkImage', () => {
  it('gives the format and the declared size of a PNG and a JPEG', () => {
    expect(checkImage(png({ width: 3, height: 2, data: new Uint8Array(6), channels: 1, depth: 8 }))).toEqual({
      format: 'png',
      width: 3,
      height: 2,
    });
    expect(checkImage(jpeg(24, 16, () => [200, 10, 10]))).toEqual({ format: 'jpeg', width: 24, height: 16 });
  });

  it('refuses a 100000×100000 header before inflating anything, naming the file and the limit', () => {
    const bomb = pngFromChunks(ihdr(100_000, 100_000), idat(100_001, 1), IEND);
    expect(message(() => checkImage(bomb, { file: 'bomb.png', maxPixels: 24_000_000 }))).toBe(
      'bomb.png: PNG declares 100000×100000 = 10,000,000,000 pixels, over the 24,000,000-pixel limit (maxPixels); shrink the image, or raise maxPixels if the file is trusted',
    );
  });

  it('refuses a truncated JPEG, a changed PNG byte, an empty file and text named .jpg', () => {
    const good = jpeg(16, 16, () => [0, 0, 0]);
    expect(message(() => checkImage(good.subarray(0, good.length - 2), { file: 'cut.jpg' }))).toBe(
      'cut.jpg: JPEG is truncated (no end-of-image marker FF D9); re-save or re-export the image (it is damaged)',
    );
    const changed = png({ width: 4, height: 4, data: new Uint8Array(16), channels: 1, depth: 8 }).slice();
    changed[20] ^= 0xff;
    expect(message(() => checkImage(changed, { file: 'crc.png' }))).toMatch(
      /^crc\.png: PNG chunk IHDR at byte 8 has a bad CRC/,
    );
    expect(message(() => checkImage(new Uint8Array(0), { file: 'empty.png' }))).toBe(
      'empty.png: the file is empty (0 bytes); give a PNG or JPEG image',
    );
    expect(message(() => checkImage(new TextEncoder().encode('hello, not a picture'), { file: 'notes.jpg' }))).toBe(
      'notes.jpg: not a PNG or JPEG image (starts with "hello, n"); give a PNG or JPEG image (convert other formats first)',
    );
  });
});
