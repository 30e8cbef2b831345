// decodeJpeg/decodeImage on JPEGs from jpeg-js's encoder: colours, EXIF orientations (applied by
// imageToTensor), and hostile or damaged files refused with one-line messages.
import { describe, expect, it } from 'vitest';
import { jpeg, refusalOf, sofOffset, withApp1, withOrientation } from '../../test/image-fixtures.js';
import { decodeImage } from './decode-image.js';
import { exifOrientation } from './exif-orientation.js';
import { imageToTensor } from './image-tensor.js';

const refusal = (bytes: Uint8Array, options: { maxPixels?: number } = {}) =>
  refusalOf(bytes, { file: 'x.jpg', ...options });

/** 16×16: four 8×8 quadrants red (top left), green (top right), blue (bottom left), white. */
const QUADRANTS = jpeg(16, 16, (x, y) =>
  y < 8 ? (x < 8 ? [255, 0, 0] : [0, 255, 0]) : x < 8 ? [0, 0, 255] : [255, 255, 255],
);
const NAMES: Record<string, string> = { '1,0,0': 'red', '0,1,0': 'green', '0,0,1': 'blue', '1,1,1': 'white' };

/** The 2×2 upright picture's quadrant colours, row by row. */
function quadrants(bytes: Uint8Array): string[][] {
  const x = imageToTensor(decodeImage(bytes), { width: 2, height: 2, color: 'rgb' });
  const name = (i: number) => NAMES[[x[i]!, x[4 + i]!, x[8 + i]!].map((v) => Math.round(v)).join(',')] ?? '?';
  return [
    [name(0), name(1)],
    [name(2), name(3)],
  ];
}

describe('decodeImage: JPEG', () => {
  it('decodes to RGB close to the encoded colours', () => {
    const raster = decodeImage(QUADRANTS);
    expect(raster).toMatchObject({ width: 16, height: 16, channels: 3, maxValue: 255, orientation: 1, format: 'jpeg' });
    const [r, g, b] = raster.data.subarray(0, 3);
    expect([r! >= 247, g! <= 8, b! <= 8]).toEqual([true, true, true]);
    expect(quadrants(QUADRANTS)).toEqual([
      ['red', 'green'],
      ['blue', 'white'],
    ]);
  });

  it('honours EXIF orientations 1 to 8 (little- and big-endian EXIF)', () => {
    expect(quadrants(withOrientation(QUADRANTS, 1))).toEqual([
      ['red', 'green'],
      ['blue', 'white'],
    ]);
    expect(quadrants(withOrientation(QUADRANTS, 2))).toEqual([
      ['green', 'red'],
      ['white', 'blue'],
    ]);
    expect(quadrants(withOrientation(QUADRANTS, 3))).toEqual([
      ['white', 'blue'],
      ['green', 'red'],
    ]);
    // 6: the stored picture is turned 90° clockwise to be upright (the left column becomes the top row).
    expect(quadrants(withOrientation(QUADRANTS, 6, false))).toEqual([
      ['blue', 'red'],
      ['white', 'green'],
    ]);
    expect(quadrants(withOrientation(QUADRANTS, 8))).toEqual([
      ['green', 'white'],
      ['red', 'blue'],
    ]);
    // The mirrored ones: 4 flips top and bottom, 5 swaps x and y, 7 swaps them across the other diagonal.
    expect(quadrants(withOrientation(QUADRANTS, 4))).toEqual([
      ['blue', 'white'],
      ['red', 'green'],
    ]);
    expect(quadrants(withOrientation(QUADRANTS, 5))).toEqual([
      ['red', 'blue'],
      ['green', 'white'],
    ]);
    expect(quadrants(withOrientation(QUADRANTS, 7))).toEqual([
      ['white', 'green'],
      ['blue', 'red'],
    ]);
  });

  it('swaps width and height for orientation 6 (a 16×8 stored picture is upright 8×16)', () => {
    const wide = jpeg(16, 8, (x) => (x < 8 ? [255, 0, 0] : [0, 0, 255]));
    const raster = decodeImage(withOrientation(wide, 6));
    expect([raster.width, raster.height, raster.orientation]).toEqual([16, 8, 6]);
    const x = imageToTensor(raster, { width: 1, height: 2, color: 'rgb', fit: 'pad' });
    expect(Array.from(x, (v) => Math.round(v))).toEqual([1, 0, 0, 0, 0, 1]); // red on top, blue below
  });

  it('reads orientation 1 from malformed EXIF: offsets past the end, wrong type, unknown byte order', () => {
    const tiff = (bytes: number[]) => new Uint8Array(bytes);
    const app1 = (body: Uint8Array) => new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...body]);
    expect(exifOrientation(app1(tiff([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0])))).toBe(1); // IFD offset past the end
    expect(exifOrientation(app1(tiff([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0xff, 0xff, 0x12, 0x01])))).toBe(1); // 65535 entries, 1 present
    expect(exifOrientation(app1(tiff([0x58, 0x58, 42, 0, 8, 0, 0, 0])))).toBe(1);
    const longType = tiff([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 4, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    expect(exifOrientation(app1(longType))).toBe(1);
    const short = tiff([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    expect(exifOrientation(app1(short))).toBe(6);
    expect(decodeImage(withApp1(QUADRANTS, tiff([0x4d, 0x4d, 0, 42, 0x7f, 0xff, 0xff, 0xff]))).orientation).toBe(1);
  });

  it('refuses a size over maxPixels from the frame header, before decoding', () => {
    const big = QUADRANTS.slice();
    const sof = sofOffset(big);
    big.set([0xff, 0xff, 0xff, 0xff], sof + 5); // 65535×65535
    expect(refusal(big)).toBe(
      'x.jpg: JPEG declares 65535×65535 = 4,294,836,225 pixels, over the 50,000,000-pixel limit (maxPixels); shrink the image, or raise maxPixels if the file is trusted',
    );
    expect(refusal(QUADRANTS, { maxPixels: 255 })).toMatch(/16×16 = 256 pixels, over the 255-pixel limit/);
  });

  it('refuses width or height 0', () => {
    const zero = QUADRANTS.slice();
    zero.set([0, 0], sofOffset(zero) + 5);
    expect(refusal(zero)).toBe(
      'x.jpg: JPEG is 16×0 pixels (frame header): an image needs width and height ≥ 1; re-save or re-export the image (it is damaged)',
    );
  });

  it('refuses truncated JPEGs: in the headers and in the image data', () => {
    expect(refusal(QUADRANTS.subarray(0, 100))).toMatch(
      /JPEG (is truncated at byte|segment FF[0-9A-F]{2} at byte \d+ declares \d+ bytes, only \d+ remain \(truncated\))/,
    );
    const busy = jpeg(64, 64, (x, y) => [(x * 37) & 255, (y * 91) & 255, (x * y) & 255]);
    const scan = busy.findIndex((byte, i) => byte === 0xff && busy[i + 1] === 0xda);
    for (const cut of [scan + 20, scan + 1000, busy.length - 100]) {
      expect(refusal(new Uint8Array([...busy.subarray(0, cut), 0xff, 0xd9]))).toMatch(
        /^x\.jpg: JPEG image data is corrupt \(unexpected marker: ffd9\); re-save/,
      );
    }
    expect(refusal(QUADRANTS.subarray(0, QUADRANTS.length - 2))).toBe(
      'x.jpg: JPEG is truncated (no end-of-image marker FF D9); re-save or re-export the image (it is damaged)',
    );
  });

  it('refuses corrupt image data and kinds it cannot decode', () => {
    const lossless = QUADRANTS.slice();
    lossless[sofOffset(lossless) + 1] = 0xc3;
    expect(refusal(lossless)).toMatch(/JPEG is of a kind that cannot be decoded here \(frame type FFC3/);
    const sof = sofOffset(QUADRANTS);
    const scrambled = QUADRANTS.slice();
    for (let i = sof + 2; i < sof + 12; i++) scrambled[i] = 0x11; // a frame header that lies about its own length
    expect(refusal(scrambled)).toMatch(/^x\.jpg: JPEG /);
  });
});
