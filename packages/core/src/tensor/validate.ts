// Argument checks shared by Tensor methods: reshape targets, Python-style slices, index lists.
// Pure functions; imports only kernels/shape.
import { formatShape, sizeOf, type Shape } from '../kernels/shape.js';

/** Resolves a reshape target with at most one -1; throws when sizes differ. */
export function resolveShape(op: string, from: Shape, to: readonly number[]): number[] {
  const inferred = to.filter((length) => length === -1).length;
  const bad = to.some((length) => !Number.isInteger(length) || length < -1);
  const known = sizeOf(to.filter((length) => length !== -1));
  const size = sizeOf(from);
  if (bad || inferred > 1 || (inferred === 0 && known !== size) || (inferred === 1 && (known === 0 || size % known !== 0))) {
    throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)}`);
  }
  return to.map((length) => (length === -1 ? size / known : length));
}

/** Python slice semantics on an axis of `length`: first index and element count. */
export function resolveSlice(length: number, start: number, end: number | undefined, step: number): { first: number; count: number } {
  if (!Number.isInteger(step) || step < 1) throw new Error(`slice: step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new Error(`slice: start and end must be integers, got ${start} and ${end}`);
  }
  const clampIndex = (index: number) => Math.min(Math.max(index < 0 ? index + length : index, 0), length);
  const first = clampIndex(start);
  const last = end === undefined ? length : clampIndex(end);
  return { first, count: last > first ? Math.ceil((last - first) / step) : 0 };
}

/** Every index must be an integer in [0, length); names the first one that is not. */
export function checkIndices(op: string, indices: ArrayLike<number>, length: number, axis: number): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new Error(`${op}: index ${index} (at position ${i}) is out of range for axis ${axis} of length ${length}`);
    }
  }
}
