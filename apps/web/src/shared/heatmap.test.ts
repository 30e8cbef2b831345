import { describe, expect, it } from 'vitest';
import { colorAt, DIVERGING, heatmapPixels, SEQUENTIAL } from './heatmap';

describe('colorAt', () => {
  it('gives the end stops at 0 and 1, interpolates between, and clamps outside', () => {
    expect(colorAt(DIVERGING, 0)).toEqual([245, 147, 34]);
    expect(colorAt(DIVERGING, 1)).toEqual([8, 119, 189]);
    expect(colorAt(DIVERGING, 0.5)).toEqual([232, 234, 235]);
    expect(colorAt(DIVERGING, 0.25)).toEqual([239, 191, 135]);
    expect(colorAt(SEQUENTIAL, -3)).toEqual(colorAt(SEQUENTIAL, 0));
    expect(colorAt(SEQUENTIAL, 7)).toEqual(colorAt(SEQUENTIAL, 1));
    expect(colorAt(SEQUENTIAL, Number.NaN)).toEqual([13, 8, 135]);
  });
});

describe('heatmapPixels', () => {
  it('colours each value in row-major order with the given opacity and scale', () => {
    const pixels = heatmapPixels({
      values: [0, 1, 0.5, 2],
      columns: 2,
      rows: 2,
      palette: DIVERGING,
      alpha: 200,
      scale: (v) => v / 2,
    });
    expect(Array.from(pixels.subarray(0, 4))).toEqual([245, 147, 34, 200]);
    expect(Array.from(pixels.subarray(4, 8))).toEqual([232, 234, 235, 200]);
    expect(Array.from(pixels.subarray(12, 16))).toEqual([8, 119, 189, 200]);
  });

  it('refuses a grid of the wrong size', () => {
    expect(() => heatmapPixels({ values: [1, 2, 3], columns: 2, rows: 2, palette: DIVERGING })).toThrow(
      /3 values do not fill a 2×2 grid \(4\)/,
    );
  });
});
