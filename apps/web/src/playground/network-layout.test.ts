import { describe, expect, it } from 'vitest';
import { networkLayout, neuronName } from './network-layout';

describe('networkLayout', () => {
  it('puts one column per layer, tiles centred and inside the drawing, sized by the width', () => {
    const layout = networkLayout([2, 6, 6, 2], 360);
    expect(layout.tile).toBe(30);
    expect(layout.boxes.map((column) => column.length)).toEqual([2, 6, 6, 2]);
    for (const column of layout.boxes) {
      const ys = column.map((box) => box.y);
      expect(new Set(column.map((box) => box.x)).size).toBe(1);
      expect(ys[0]!).toBeGreaterThanOrEqual(0);
      expect(ys.at(-1)! + layout.tile).toBeLessThanOrEqual(layout.height);
      // centred: the same space above the first tile as below the last (± rounding)
      expect(Math.abs(ys[0]! - (layout.height - layout.tile - ys.at(-1)! - layout.tile))).toBeLessThanOrEqual(
        layout.tile,
      );
    }
    expect(layout.boxes.at(-1)![0]!.x + layout.tile).toBeLessThanOrEqual(360);
  });

  it('keeps tiles readable on a phone: never below 12 px, never above 32 px', () => {
    expect(networkLayout([2, 16, 16, 16, 16, 16, 16, 2], 326).tile).toBe(13);
    expect(networkLayout([2, 2], 2000).tile).toBe(32);
    expect(networkLayout([2, 16, 16, 16, 16, 16, 16, 2], 100).tile).toBe(12);
  });
});

describe('neuronName', () => {
  it('names inputs, hidden neurons (1-based) and the two class scores', () => {
    const widths = [2, 3, 2];
    expect([neuronName(widths, 0, 1), neuronName(widths, 1, 0), neuronName(widths, 2, 1)]).toEqual([
      'x₂',
      'h1.1',
      'score blue',
    ]);
  });
});
