// Scans and orderings along one axis of a row-major Float32Array: cumulative sums (forward and
// reversed, for the gradient) and a stable argsort. Imports only kernels/shape.
import { sizeOf, type Shape } from './shape.js';

/** Calls `visit(base, stride, length)` for every line along `axis` (its first element, step, count). */
function forEachLine(shape: Shape, axis: number, visit: (base: number, stride: number, length: number) => void): void {
  const length = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) visit(o * length * inner + i, inner, length);
  }
}

/**
 * Cumulative sum along `axis` (`reverse`: from the end, which is the adjoint of the forward scan).
 * Sums in float64, one rounding per output.
 *
 * @example
 * cumulativeSum(Float32Array.of(1, 2, 3, 4), [2, 2], 1, false); // [1, 3, 3, 7]
 */
export function cumulativeSum(x: Float32Array, shape: Shape, axis: number, reverse: boolean): Float32Array {
  const out = new Float32Array(x.length);
  forEachLine(shape, axis, (base, stride, length) => {
    let sum = 0;
    for (let k = 0; k < length; k++) {
      const index = base + (reverse ? length - 1 - k : k) * stride;
      sum += x[index]!;
      out[index] = sum;
    }
  });
  return out;
}

/**
 * Indices that sort each line along `axis`, ascending or descending. Stable: equal values keep
 * their order. NaN counts as larger than every number (last ascending, first descending), as in PyTorch.
 *
 * @example
 * argsortAlong(Float32Array.of(3, 1, 2), [3], 0, false); // Float32Array [1, 2, 0]
 */
export function argsortAlong(x: Float32Array, shape: Shape, axis: number, descending: boolean): Float32Array {
  const out = new Float32Array(x.length);
  const order: number[] = [];
  forEachLine(shape, axis, (base, stride, length) => {
    order.length = length;
    for (let k = 0; k < length; k++) order[k] = k;
    const value = (k: number) => x[base + k * stride]!;
    order.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const nanA = Number.isNaN(va);
      const nanB = Number.isNaN(vb);
      let ascending = nanA || nanB ? Number(nanA) - Number(nanB) : va < vb ? -1 : va > vb ? 1 : 0;
      if (descending) ascending = -ascending;
      return ascending !== 0 ? ascending : a - b; // ties: first index first (Array.prototype.sort is stable too)
    });
    for (let k = 0; k < length; k++) out[base + k * stride] = order[k]!;
  });
  return out;
}
