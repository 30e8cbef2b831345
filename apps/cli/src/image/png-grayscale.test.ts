// pngToGray on PNG kinds made with fast-png's encoder, and resizeArea's averaging.
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { pngToGray } from './png-grayscale.js';
import { resizeArea } from './resize.js';

describe('pngToGray', () => {
  it('reads 8-bit gray as value / 255, and inverts with darkOnLight', () => {
    const png = encode({ width: 2, height: 1, data: new Uint8Array([0, 255]), channels: 1, depth: 8 });
    expect(Array.from(pngToGray(png, { darkOnLight: false }).pixels)).toEqual([0, 1]);
    expect(Array.from(pngToGray(png, { darkOnLight: true }).pixels)).toEqual([1, 0]);
  });

  it('reads 16-bit gray and RGB by luminance', () => {
    const gray16 = encode({ width: 1, height: 1, data: new Uint16Array([65535]), channels: 1, depth: 16 });
    expect(pngToGray(gray16, { darkOnLight: false }).pixels[0]).toBeCloseTo(1, 6);
    const rgb = encode({ width: 2, height: 1, data: new Uint8Array([255, 0, 0, 0, 0, 255]), channels: 3, depth: 8 });
    const { pixels } = pngToGray(rgb, { darkOnLight: false });
    expect(pixels[0]).toBeCloseTo(0.299, 5);
    expect(pixels[1]).toBeCloseTo(0.114, 5);
  });

  it('takes transparent pixels as background, whichever way the image is drawn', () => {
    // gray + alpha: a white opaque pixel, and a fully transparent white pixel.
    const png = encode({ width: 2, height: 1, data: new Uint8Array([255, 255, 255, 0]), channels: 2, depth: 8 });
    expect(Array.from(pngToGray(png, { darkOnLight: false }).pixels)).toEqual([1, 0]);
    // Black ink on transparency, drawn dark on light: ink → 1, transparent → background 0.
    const ink = encode({ width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 0, 0, 0, 0]), channels: 4, depth: 8 });
    expect(Array.from(pngToGray(ink, { darkOnLight: true }).pixels)).toEqual([1, 0]);
  });

  it('unpacks 1-bit images (rows padded to whole bytes)', () => {
    // 3×2: rows 1 0 1 / 0 1 0, each row in one byte.
    const png = encode({ width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01000000]), channels: 1, depth: 1 });
    expect(Array.from(pngToGray(png, { darkOnLight: false }).pixels)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('refuses bytes that are not a PNG', () => {
    expect(() => pngToGray(new TextEncoder().encode('GIF89a....'), { darkOnLight: false })).toThrow();
  });
});

describe('resizeArea', () => {
  it('averages whole blocks when shrinking by an integer factor', () => {
    const image = { width: 4, height: 2, pixels: new Float32Array([0, 1, 1, 1, 0, 1, 0, 0]) };
    expect(Array.from(resizeArea(image, 2, 1).pixels)).toEqual([0.5, 0.5]);
  });

  it('weights fractional footprints and repeats pixels when enlarging', () => {
    const image = { width: 3, height: 1, pixels: new Float32Array([0, 1, 0]) };
    const half = resizeArea(image, 2, 1).pixels; // each output covers 1.5 input pixels
    expect(half[0]).toBeCloseTo((0 + 0.5 * 1) / 1.5, 6);
    expect(half[1]).toBeCloseTo((0.5 * 1 + 0) / 1.5, 6);
    expect(Array.from(resizeArea(image, 6, 1).pixels)).toEqual([0, 0, 1, 1, 0, 0]);
  });
});
