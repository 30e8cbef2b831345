// inkPolarity on small drawn rasters: MNIST's white-on-black, pen on paper, a digit touching the
// edge, RGB and 16-bit, a transparent canvas (the ink decides), nothing opaque at all.
import { describe, expect, it } from 'vitest';
import { inkPolarity } from './ink-polarity.js';
import type { Raster } from './raster.js';

/** A side×side drawing: a vertical stroke of `ink` down the middle (and along the left edge with `touching`) on `paper`. */
function drawing(options: {
  paper: number;
  ink: number;
  side?: number;
  touching?: boolean;
  channels?: 1 | 2 | 3 | 4;
  paperAlpha?: number;
  maxValue?: 255 | 65535;
}): Raster {
  const { paper, ink, side = 40, touching = false, channels = 1, paperAlpha = 255, maxValue = 255 } = options;
  const data = maxValue === 255 ? new Uint8Array(side * side * channels) : new Uint16Array(side * side * channels);
  const scale = maxValue / 255;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const stroke = Math.abs(x - side / 2) < 3 || (touching && x < 2);
      const value = (stroke ? ink : paper) * scale;
      const alpha = (stroke ? 255 : paperAlpha) * scale;
      const i = (y * side + x) * channels;
      if (channels === 1) data[i] = value;
      if (channels === 2) data.set([value, alpha], i);
      if (channels === 3) data.set([value, value, value], i);
      if (channels === 4) data.set([value, value, value, alpha], i);
    }
  }
  return { width: side, height: side, channels, data, maxValue, orientation: 1, format: 'png' };
}

describe('inkPolarity', () => {
  it("tells MNIST's light-on-dark from pen on paper by the border", () => {
    expect(inkPolarity(drawing({ paper: 0, ink: 255 }))).toBe('light-on-dark');
    expect(inkPolarity(drawing({ paper: 255, ink: 0 }))).toBe('dark-on-light');
    expect(inkPolarity(drawing({ paper: 200, ink: 30, channels: 3 }))).toBe('dark-on-light'); // grey paper in a photo
    expect(inkPolarity(drawing({ paper: 240, ink: 10, channels: 4, maxValue: 65535 }))).toBe('dark-on-light');
  });

  it('is not fooled by a stroke along the edge', () => {
    expect(inkPolarity(drawing({ paper: 255, ink: 0, touching: true }))).toBe('dark-on-light');
    expect(inkPolarity(drawing({ paper: 0, ink: 255, touching: true }))).toBe('light-on-dark');
  });

  it('lets the ink decide on a transparent canvas, and gives up when nothing is opaque', () => {
    // A black pen on a transparent canvas (its hidden colour is black too): dark ink, meant for light paper.
    expect(inkPolarity(drawing({ paper: 0, ink: 0, channels: 4, paperAlpha: 0 }))).toBe('dark-on-light');
    expect(inkPolarity(drawing({ paper: 0, ink: 255, channels: 2, paperAlpha: 0 }))).toBe('light-on-dark');
    const empty: Raster = {
      width: 2,
      height: 2,
      channels: 2,
      data: new Uint8Array(8),
      maxValue: 255,
      orientation: 1,
      format: 'png',
    };
    expect(inkPolarity(empty)).toBeNull();
  });

  it('reads a 1×1 and a 1-pixel-high picture (the ring is the whole picture)', () => {
    expect(
      inkPolarity({
        width: 1,
        height: 1,
        channels: 1,
        data: Uint8Array.of(250),
        maxValue: 255,
        orientation: 1,
        format: 'png',
      }),
    ).toBe('dark-on-light');
    expect(
      inkPolarity({
        width: 5,
        height: 1,
        channels: 1,
        data: Uint8Array.of(0, 0, 255, 0, 0),
        maxValue: 255,
        orientation: 1,
        format: 'png',
      }),
    ).toBe('light-on-dark');
  });
});
