// Reductions over a set of axes (sum, max, min) and arg-reductions over one axis.
// Imports only kernels/shape; knows nothing of Tensor or autograd.
import { normalizeAxis, sizeOf, stridesOf, type Shape } from './shape.js';

export type ReduceKind = 'sum' | 'max' | 'min';

/** The shape of a reduction's result with the reduced axes kept as length 1. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((length, axis) => (axes.includes(axis) ? 1 : length));
}

/**
 * Reduces `x` of `shape` over `axes` (sorted, distinct, non-negative). The result has the
 * kept shape (reduced axes of length 1). Sums accumulate in float64; an empty max is -Infinity
 * and an empty min +Infinity, as their identities. NaN propagates through max and min.
 */
export function reduce(x: Float32Array, shape: Shape, axes: readonly number[], kind: ReduceKind): Float32Array {
  const outShape = keptShape(shape, axes);
  const outSize = sizeOf(outShape);
  const identity = kind === 'sum' ? 0 : kind === 'max' ? -Infinity : Infinity;
  const accumulator = new Float64Array(outSize).fill(identity);
  const size = x.length;
  if (size > 0) {
    const rank = shape.length;
    // Output strides seen from the input: 0 along reduced axes.
    const outStrides = stridesOf(outShape).map((stride, axis) => (axes.includes(axis) ? 0 : stride));
    const inner = rank === 0 ? 1 : shape[rank - 1]!;
    const innerStride = rank === 0 ? 0 : outStrides[rank - 1]!;
    const index = new Array<number>(rank).fill(0);
    let outOffset = 0;
    for (let i = 0; i < size; i += inner) {
      if (kind === 'sum') {
        for (let j = 0, o = outOffset; j < inner; j++, o += innerStride) accumulator[o]! += x[i + j]!;
      } else if (kind === 'max') {
        for (let j = 0, o = outOffset; j < inner; j++, o += innerStride) {
          const value = x[i + j]!;
          if (value > accumulator[o]! || Number.isNaN(value)) accumulator[o] = value;
        }
      } else {
        for (let j = 0, o = outOffset; j < inner; j++, o += innerStride) {
          const value = x[i + j]!;
          if (value < accumulator[o]! || Number.isNaN(value)) accumulator[o] = value;
        }
      }
      for (let axis = rank - 2; axis >= 0; axis--) {
        index[axis]!++;
        outOffset += outStrides[axis]!;
        if (index[axis]! < shape[axis]!) break;
        outOffset -= outStrides[axis]! * shape[axis]!;
        index[axis] = 0;
      }
    }
  }
  return Float32Array.from(accumulator);
}

/**
 * Index of the largest (`max`) or smallest (`min`) value along `axis`; the first one wins a
 * tie and a NaN counts as the extreme, like PyTorch. Result has the kept shape.
 */
export function argReduce(x: Float32Array, shape: Shape, axis: number, kind: 'max' | 'min'): Float32Array {
  const length = shape[axis]!;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let best = x[base]!;
      let bestIndex = 0;
      for (let k = 1; k < length && !Number.isNaN(best); k++) {
        const value = x[base + k * inner]!;
        const better = kind === 'max' ? value > best : value < best;
        if (better || Number.isNaN(value)) {
          best = value;
          bestIndex = k;
        }
      }
      out[o * inner + i] = bestIndex;
    }
  }
  return out;
}

/**
 * argmax/argmin as PyTorch computes them: along `axis` (negative counts from the end), or over all
 * values flattened when `axis` is undefined; the reduced axis is dropped unless `keepdims`.
 * Indices are integer-valued float32.
 */
export function argExtreme(
  x: Float32Array,
  shape: Shape,
  options: { op: string; kind: 'max' | 'min'; axis: number | undefined; keepdims: boolean },
): { data: Float32Array; shape: number[] } {
  const { op, kind, keepdims } = options;
  if (x.length === 0) throw new Error(`${op}: cannot take ${op} of an empty tensor`);
  if (options.axis === undefined)
    return { data: argReduce(x, [x.length], 0, kind), shape: keepdims ? shape.map(() => 1) : [] };
  const axis = normalizeAxis(op, options.axis, shape.length);
  const kept = keepdims ? shape.map((length, a) => (a === axis ? 1 : length)) : shape.filter((_, a) => a !== axis);
  return { data: argReduce(x, shape, axis, kind), shape: kept };
}
