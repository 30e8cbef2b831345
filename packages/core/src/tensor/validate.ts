// Argument checks of Tensor methods: reshape and expand targets, permutations, slices, padding,
// index lists. Pure functions on shapes and numbers; imports only kernels.
import type { StridedView } from '../kernels/layout.js';
import { formatShape, normalizeAxis, sizeOf, stridesOf, type Shape } from '../kernels/shape.js';

/** Resolves a reshape target with at most one -1; throws when sizes differ. */
export function resolveShape(op: string, from: Shape, to: readonly number[]): number[] {
  if (!Array.isArray(to))
    throw new TypeError(
      `${op}: the new shape must be an array of lengths, e.g. [2, -1], got ${to === null ? 'null' : typeof to}`,
    );
  const inferred = to.filter((length) => length === -1).length;
  const bad = to.some((length) => !Number.isInteger(length) || length < -1);
  const known = sizeOf(to.filter((length) => length !== -1));
  const size = sizeOf(from);
  if (
    bad ||
    inferred > 1 ||
    (inferred === 0 && known !== size) ||
    (inferred === 1 && (known === 0 || size % known !== 0))
  ) {
    throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)}`);
  }
  return to.map((length) => (length === -1 ? size / known : length));
}

/**
 * Python slice semantics (`x[start:end:step]`) on axis `axis` of `shape`: the result's shape and
 * the strided view of the input it reads.
 */
export function resolveSlice(
  shape: Shape,
  axis: number,
  start: number,
  end: number | undefined,
  step: number,
): { shape: number[]; view: StridedView } {
  if (!Number.isInteger(step) || step < 1) throw new Error(`slice: step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new Error(`slice: start and end must be integers, got ${start} and ${end}`);
  }
  const length = shape[axis]!;
  const clampIndex = (index: number) => Math.min(Math.max(index < 0 ? index + length : index, 0), length);
  const first = clampIndex(start);
  const last = end === undefined ? length : clampIndex(end);
  const count = last > first ? Math.ceil((last - first) / step) : 0;
  const strides = stridesOf(shape);
  return {
    shape: shape.map((size, a) => (a === axis ? count : size)),
    view: {
      offset: first * strides[axis]!,
      strides: strides.map((stride, a) => (a === axis ? stride * step : stride)),
    },
  };
}

/**
 * torch.matmul's operand checks: two tensors of at least one axis whose inner lengths agree (a 1-D
 * left operand is a row, a 1-D right operand a column).
 */
export function checkMatmulOperands(a: Shape, b: Shape): void {
  if (a.length === 0 || b.length === 0) {
    throw new Error(`matmul: both operands need at least one axis, got ${formatShape(a)} @ ${formatShape(b)}`);
  }
  const k = a[a.length - 1];
  const kB = b.length === 1 ? b[0] : b[b.length - 2];
  if (k !== kB)
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a)} @ ${formatShape(b)} (${k} ≠ ${kB})`);
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

/** Every axis once, negative ones resolved; throws `permute: order [0,0] must name each …`. */
export function resolvePermutation(shape: Shape, order: readonly number[]): number[] {
  const resolved = order.map((axis) => normalizeAxis('permute', axis, shape.length));
  if (resolved.length !== shape.length || new Set(resolved).size !== shape.length) {
    throw new Error(
      `permute: order [${order.join(',')}] must name each of the ${shape.length} axes of ${formatShape(shape)} once`,
    );
  }
  return resolved;
}

/** The broadcast target (-1 keeps a length) and the stride-0 view that reads `shape` as it. */
export function resolveExpand(shape: Shape, requested: readonly number[]): { target: number[]; view: StridedView } {
  if (!Array.isArray(requested))
    throw new TypeError(
      `expand: the target must be an array of lengths, got ${requested === null ? 'null' : typeof requested}`,
    );
  const offset = requested.length - shape.length;
  const target = requested.map((length, axis) => (length === -1 && axis >= offset ? shape[axis - offset]! : length));
  if (target.some((length) => !Number.isInteger(length) || length < 0)) {
    throw new Error(
      `expand: target ${formatShape(requested)} must hold non-negative integers (-1 only to keep an existing axis)`,
    );
  }
  const strides = stridesOf(shape);
  const viewStrides = target.map(() => 0);
  shape.forEach((length, axis) => {
    if (offset < 0 || (length !== 1 && length !== target[axis + offset])) {
      throw new Error(`expand: cannot expand ${formatShape(shape)} to ${formatShape(requested)}`);
    }
    viewStrides[axis + offset] = length === 1 ? 0 : strides[axis]!;
  });
  return { target, view: { offset: 0, strides: viewStrides } };
}

/** PyTorch's `F.pad` list — (before, after) pairs from the last axis back — as per-axis counts. */
export function resolvePadding(shape: Shape, padding: readonly number[]): { before: number[]; after: number[] } {
  if (!Array.isArray(padding))
    throw new TypeError(
      `pad: padding must be an array of (before, after) pairs, got ${padding === null ? 'null' : typeof padding}`,
    );
  if (
    padding.length % 2 !== 0 ||
    padding.length > 2 * shape.length ||
    padding.some((p) => !Number.isInteger(p) || p < 0)
  ) {
    throw new Error(
      `pad: padding [${padding.join(',')}] must be non-negative integer pairs, at most one per axis of ${formatShape(shape)}`,
    );
  }
  const before = shape.map(() => 0);
  const after = shape.map(() => 0);
  for (let pair = 0; pair < padding.length / 2; pair++) {
    before[shape.length - 1 - pair] = padding[2 * pair]!;
    after[shape.length - 1 - pair] = padding[2 * pair + 1]!;
  }
  return { before, after };
}

/** torch.gather's index: same rank, no longer axes except `axis`, integers in range along it. */
export function checkGatherIndex(
  shape: Shape,
  axis: number,
  index: { readonly shape: Shape; readonly data: Float32Array },
): void {
  const fits =
    index.shape.length === shape.length && index.shape.every((length, a) => a === axis || length <= shape[a]!);
  if (!fits) {
    throw new Error(
      `gather: index shape ${formatShape(index.shape)} must have the rank of ${formatShape(shape)} and no longer axes except axis ${axis}`,
    );
  }
  checkIndices('gather', index.data, shape[axis]!, axis);
}
