import { describe, expect, it } from 'vitest';
import { cellCentre, lossSurface } from './loss-surface';

const x = [-1, -0.5, 0, 0.5, 1];
const y = x.map((v) => 2 * v + 1);

describe('lossSurface', () => {
  it('matches the direct mean of squared residuals at every cell, row 0 at the largest b', () => {
    const window = { a: [-3, 5], b: [-4, 4] } as const;
    const surface = lossSurface(x, y, window, 8, 6);
    for (const [row, column] of [
      [0, 0],
      [5, 7],
      [2, 3],
    ] as const) {
      const a = cellCentre(window.a, 8, column);
      const b = cellCentre(window.b, 6, 5 - row);
      const direct = x.reduce((sum, xi, i) => sum + (a * xi + b - y[i]!) ** 2, 0) / x.length;
      expect(surface.values[row * 8 + column]).toBeCloseTo(direct, 4);
    }
    expect(cellCentre(window.b, 6, 5)).toBeGreaterThan(cellCentre(window.b, 6, 0));
  });

  it('is smallest at the cell nearest the true line, and reports min and max', () => {
    const surface = lossSurface(x, y, { a: [0, 4], b: [-1, 3] }, 41, 41);
    const best = surface.values.indexOf(Math.min(...surface.values));
    const [row, column] = [Math.floor(best / 41), best % 41];
    expect(cellCentre([0, 4], 41, column)).toBeCloseTo(2, 5);
    expect(cellCentre([-1, 3], 41, 40 - row)).toBeCloseTo(1, 5);
    expect(surface.min).toBeCloseTo(0, 5);
    expect(surface.max).toBe(Math.max(...surface.values));
  });

  it('refuses mismatched or empty data', () => {
    expect(() => lossSurface([1, 2], [1], { a: [0, 1], b: [0, 1] }, 2, 2)).toThrow(
      /same, non-zero length \(got 2 and 1\)/,
    );
    expect(() => lossSurface([], [], { a: [0, 1], b: [0, 1] }, 2, 2)).toThrow(/non-zero/);
  });
});
