// The dedicated ReLU loops against the rule they replace: max(x, 0) with NaN kept, and a gradient
// that passes only where x > 0 (zero at 0, as in PyTorch).
import { describe, expect, it } from 'vitest';
import { reluBackward, reluForward } from './relu.js';

describe('relu kernels', () => {
  it('forward keeps positives and NaN, zeroes the rest; backward passes g where x > 0', () => {
    const x = Float32Array.of(-2, -0, 0, 1e-30, 3.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    expect(Array.from(reluForward(x))).toEqual([0, 0, 0, Math.fround(1e-30), 3.5, Number.NaN, Number.POSITIVE_INFINITY, 0]);
    const g = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    expect(Array.from(reluBackward(x, g))).toEqual([0, 0, 0, 4, 5, 0, 7, 0]);
    expect(reluForward(new Float32Array(0))).toHaveLength(0);
  });
});
