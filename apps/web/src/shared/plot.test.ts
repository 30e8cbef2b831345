import { describe, expect, it } from 'vitest';
import { paddedRange, toData, toPixel } from './plot';

describe('plot axes', () => {
  it('maps data to pixels and back, also on a reversed (y) axis', () => {
    const x = { data: [-1, 1], pixels: [0, 200] } as const;
    const y = { data: [0, 10], pixels: [300, 0] } as const;
    expect(toPixel(x, 0)).toBe(100);
    expect(toPixel(y, 10)).toBe(0);
    expect(toPixel(y, 2.5)).toBe(225);
    expect(toData(y, toPixel(y, 7.25))).toBeCloseTo(7.25, 10);
  });

  it('pads a range by a share of its span, and copes with one value or none', () => {
    expect(paddedRange([0, 10], 0.1)).toEqual([-1, 11]);
    expect(paddedRange([3], 0.5)).toEqual([2.5, 3.5]);
    expect(paddedRange([])).toEqual([0, 1]);
  });
});
