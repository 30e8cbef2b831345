import { describe, expect, it } from 'vitest';
import { centreByMass, drawingToInput } from './drawing';

/** A blank `size²` canvas with full ink on the rectangle [x0, x1) × [y0, y1). */
function canvasWith(size: number, x0: number, y0: number, x1: number, y1: number): Uint8ClampedArray {
  const ink = new Uint8ClampedArray(size * size);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * size + x] = 255;
  return ink;
}

const sum = (values: Float32Array) => values.reduce((a, b) => a + b, 0);

describe('drawingToInput', () => {
  it('is null for a blank drawing and refuses a wrong size', () => {
    expect(drawingToInput(new Uint8ClampedArray(100), 10, 10)).toBeNull();
    expect(() => drawingToInput(new Uint8ClampedArray(99), 10, 10)).toThrow(/99 values do not fill 10×10/);
  });

  it('scales a square in a corner to a centred 20×20 block of full ink', () => {
    const input = drawingToInput(canvasWith(280, 0, 0, 100, 100), 280, 280)!;
    expect(input).toHaveLength(784);
    expect(sum(input)).toBeCloseTo(400, 3);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++)
        expect(input[y * 28 + x], `(${x}, ${y})`).toBe(x >= 4 && x < 24 && y >= 4 && y < 24 ? 1 : 0);
    }
  });

  it('keeps the aspect ratio of a tall stroke (a "1"): 20 pixels high, narrow, centred', () => {
    const input = drawingToInput(canvasWith(280, 200, 20, 220, 220), 280, 280)!;
    const rows = new Set<number>();
    const columns = new Set<number>();
    input.forEach((value, i) => value > 0 && (rows.add(Math.floor(i / 28)), columns.add(i % 28)));
    expect(rows.size).toBe(20);
    expect(columns.size).toBe(2);
    expect(Math.min(...columns) + Math.max(...columns)).toBe(27); // centred: 13 and 14
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
  });

  it('keeps partial ink as grey levels in [0, 1]', () => {
    const ink = canvasWith(56, 0, 0, 56, 56).map((v) => (v === 0 ? 0 : 128));
    const input = drawingToInput(ink, 56, 56)!;
    expect(Math.max(...input)).toBeCloseTo(128 / 255, 5);
  });
});

describe('centreByMass', () => {
  it('moves a single dot to the centre and leaves a blank image blank', () => {
    const image = new Float32Array(784);
    image[2 * 28 + 3] = 1;
    const centred = centreByMass(image);
    expect(centred[14 * 28 + 14]).toBe(1);
    expect(sum(centred)).toBe(1);
    expect(sum(centreByMass(new Float32Array(784)))).toBe(0);
  });
});
