// imageToTensor's arithmetic on small known rasters: area averaging, bilinear, crop, pad, alpha,
// grey, 16-bit, orientation.
import { describe, expect, it } from 'vitest';
import { imageToTensor, type ImageTensorOptions } from './image-tensor.js';
import type { Orientation, Raster } from './raster.js';

function grey(width: number, height: number, values: number[], orientation: Orientation = 1): Raster {
  return { width, height, channels: 1, data: Uint8Array.from(values), maxValue: 255, orientation, format: 'png' };
}

function run(raster: Raster, options: Partial<ImageTensorOptions> & { width: number; height: number }): number[] {
  return Array.from(imageToTensor(raster, { color: 'grey', ...options }), (v) => Math.round(v * 1e5) / 1e5);
}

describe('imageToTensor', () => {
  it('is the identity at the same size', () => {
    expect(run(grey(3, 2, [0, 51, 102, 153, 204, 255]), { width: 3, height: 2 })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('averages whole blocks when shrinking by an integer factor', () => {
    // 4×2 → 2×1: means of 2×2 blocks.
    expect(run(grey(4, 2, [0, 255, 255, 255, 0, 255, 0, 0]), { width: 2, height: 1, fit: 'pad' })).toEqual([0.5, 0.5]);
  });

  it('weights fractional footprints when shrinking 3 → 2', () => {
    // Output 0 covers [0, 1.5): 1 × p0 + 0.5 × p1, over 1.5.
    expect(run(grey(3, 1, [0, 255, 0]), { width: 2, height: 1, fit: 'pad' }).slice(0, 2)).toEqual([0.33333, 0.33333]);
    expect(run(grey(3, 3, [0, 255, 0, 0, 255, 0, 0, 255, 0]), { width: 2, height: 2 })).toEqual([
      0.33333, 0.33333, 0.33333, 0.33333,
    ]);
  });

  it('interpolates bilinearly when enlarging 2 → 4 (half-pixel centres, clamped edges)', () => {
    // Centres at (o + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
    expect(run(grey(2, 1, [0, 255]), { width: 4, height: 2 })).toEqual([0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1]);
    expect(run(grey(2, 2, [0, 255, 255, 255]), { width: 4, height: 4 })).toEqual([
      0, 0.25, 0.75, 1, 0.25, 0.4375, 0.8125, 1, 0.75, 0.8125, 0.9375, 1, 1, 1, 1, 1,
    ]);
  });

  it('centre-crops to the aspect ratio by default, pads with the background on request', () => {
    const wide = grey(
      4,
      2,
      [10, 20, 30, 40, 50, 60, 70, 80].map((v) => v * 2),
    );
    // Crop: the middle 2×2 of 4×2.
    expect(run(wide, { width: 2, height: 2 })).toEqual(
      [40, 60, 120, 140].map((v) => Math.round((v / 255) * 1e5) / 1e5),
    );
    // Pad: 4×2 fits 2×1 in a 2×2 square, centred vertically at row 0 (floor of (2 − 1) / 2), background below.
    const padded = run(wide, { width: 2, height: 2, fit: 'pad', background: 1 });
    expect(padded.slice(2)).toEqual([1, 1]);
    expect(padded.slice(0, 2)).toEqual(
      [(20 + 40 + 100 + 120) / 4, (60 + 80 + 140 + 160) / 4].map((v) => Math.round((v / 255) * 1e5) / 1e5),
    );
  });

  it('blends alpha onto the background and computes luminance for grey', () => {
    const rgba: Raster = {
      width: 2,
      height: 1,
      channels: 4,
      data: Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 0]),
      maxValue: 255,
      orientation: 1,
      format: 'png',
    };
    expect(run(rgba, { width: 2, height: 1 })).toEqual([0.299, 0]);
    expect(run(rgba, { width: 2, height: 1, background: 1 })).toEqual([0.299, 1]);
    expect(run(rgba, { width: 2, height: 1, color: 'rgb', background: 0.5 })).toEqual([1, 0.5, 0, 0.5, 0, 0.5]);
  });

  it('scales 16-bit samples by 65535 and repeats grey into RGB', () => {
    const deep: Raster = {
      width: 1,
      height: 1,
      channels: 2,
      data: Uint16Array.from([65535, 32768]),
      maxValue: 65535,
      orientation: 1,
      format: 'png',
    };
    expect(run(deep, { width: 1, height: 1, color: 'rgb' })).toEqual([0.50001, 0.50001, 0.50001]);
  });

  it('turns the picture upright before resizing (orientation 6 on a 3×2 raster gives 2×3)', () => {
    const stored = grey(
      3,
      2,
      [1, 2, 3, 4, 5, 6].map((v) => v * 40),
      6,
    );
    // Stored rows 1 2 3 / 4 5 6 turned 90° clockwise: 4 1 / 5 2 / 6 3.
    expect(run(stored, { width: 2, height: 3 })).toEqual(
      [4, 1, 5, 2, 6, 3].map((v) => Math.round(((v * 40) / 255) * 1e5) / 1e5),
    );
  });

  it('refuses sizes below 1 and backgrounds outside 0..1', () => {
    expect(() => imageToTensor(grey(1, 1, [0]), { width: 0, height: 1, color: 'grey' })).toThrow(
      /width and height must be integers ≥ 1, got 0×1/,
    );
    expect(() => imageToTensor(grey(1, 1, [0]), { width: 1, height: 1, color: 'grey', background: 2 })).toThrow(
      /background must be in 0\.\.1, got 2/,
    );
  });
});
