// Test helpers: seeded inputs for gradient checks and a closeness assertion.
import { expect } from 'vitest';
import { Generator, Tensor, type NestedArray } from '../src/index.js';

export interface InputOptions {
  /** Smallest magnitude (keeps values away from kinks at 0, such as relu's and abs's). */
  minMagnitude?: number;
  /** Only positive values (for log, sqrt, pow bases). */
  positive?: boolean;
  seed?: number;
}

/** A leaf requiring grad with values in ±[minMagnitude, minMagnitude + 1.5], seeded. */
export function input(shape: readonly number[], options: InputOptions = {}): Tensor {
  const { minMagnitude = 0.1, positive = false, seed = shape.reduce((s, n) => s * 31 + n, 7) } = options;
  const generator = new Generator(seed);
  const data = new Float32Array(shape.reduce((size, n) => size * n, 1));
  for (let i = 0; i < data.length; i++) {
    const magnitude = minMagnitude + generator.uniform(0, 1.5);
    data[i] = positive || generator.nextFloat() < 0.5 ? magnitude : -magnitude;
  }
  return new Tensor(data, shape, true);
}

/** Asserts that nested values agree with `expected` within `tolerance`, shapes included. */
export function expectClose(actual: Tensor | NestedArray, expected: NestedArray, tolerance = 1e-5): void {
  const values = actual instanceof Tensor ? actual.toArray() : actual;
  const compare = (a: NestedArray, e: NestedArray, path: string): void => {
    if (typeof e === 'number') {
      expect(typeof a, `${path} should be a number`).toBe('number');
      if (Number.isNaN(e)) expect(a, path).toBeNaN();
      else if (!Number.isFinite(e)) expect(a, path).toBe(e);
      else
        expect(Math.abs((a as number) - e), `${path}: ${a} vs ${e}`).toBeLessThanOrEqual(
          tolerance * Math.max(1, Math.abs(e)),
        );
      return;
    }
    expect(Array.isArray(a), `${path} should be an array`).toBe(true);
    expect((a as NestedArray[]).length, `${path} length`).toBe(e.length);
    e.forEach((item, i) => compare((a as NestedArray[])[i]!, item, `${path}[${i}]`));
  };
  compare(values, expected, 'value');
}

/**
 * A leaf requiring grad whose values are a seeded shuffle of evenly spaced numbers (spacing
 * 0.1, none within 0.05 of a multiple of 0.1): no two are near a tie and none sits on a kink, so
 * finite differences across max, min, pooling and clamp are well defined.
 */
export function distinctInput(shape: readonly number[], seed = 1): Tensor {
  const size = shape.reduce((s, n) => s * n, 1);
  const values = Array.from({ length: size }, (_, i) => (i - Math.floor(size / 2)) * 0.1 + 0.05);
  new Generator(seed).shuffle(values);
  return new Tensor(Float32Array.from(values), shape, true);
}

/** Per step, per element: |actual − expected| ≤ tolerance·|expected| (optimizer trajectories). */
export function expectRelative(actual: number[][], expected: number[][], tolerance = 1e-6): void {
  actual.forEach((row, step) =>
    row.forEach((value, i) => {
      const want = expected[step]![i]!;
      expect(Math.abs(value - want), `step ${step + 1}, element ${i}: ${value} vs ${want}`).toBeLessThanOrEqual(
        tolerance * Math.abs(want),
      );
    }),
  );
}
