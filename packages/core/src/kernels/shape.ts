// Shape arithmetic for row-major contiguous arrays: sizes, strides, NumPy broadcasting, axes.
// Pure functions on number arrays; imports nothing.

/** A tensor shape: one length per dimension, outermost first. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const length of shape) size *= length;
  return size;
}

/** Row-major strides: `strides[i]` is the distance in elements between neighbours along axis i. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/** `[2,3]`-style rendering used in every error message. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcasting: align shapes on the right; each pair of lengths must be equal or one of
 * them 1. Throws `op: cannot broadcast [2,3] with [4] (axis -1: 3 ≠ 4)`.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const la = a.length - i >= 0 ? a[a.length - i]! : 1;
    const lb = b.length - i >= 0 ? b[b.length - i]! : 1;
    if (la !== lb && la !== 1 && lb !== 1) {
      throw new Error(`${op}: cannot broadcast ${formatShape(a)} with ${formatShape(b)} (axis -${i}: ${la} ≠ ${lb})`);
    }
    out[rank - i] = la === 1 ? lb : la;
  }
  return out;
}

/**
 * Strides that read an array of `shape` as if it had the broadcast shape `target`
 * (stride 0 along every axis that is broadcast).
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  const strides = new Array<number>(target.length).fill(0);
  for (let axis = 0; axis < shape.length; axis++) {
    strides[axis + offset] = shape[axis] === 1 ? 0 : own[axis]!;
  }
  return strides;
}

/** Resolves a possibly negative axis; throws `op: axis 3 is out of range for a 2-D tensor`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(
      `${op}: axis ${axis} is out of range for a ${rank}-D tensor (expected an integer in [${-rank}, ${rank - 1}])`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves an axis option of a reduction: `undefined` means every axis; a number or a list of
 * numbers may be negative. Returns sorted, distinct axes; throws on duplicates.
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, axis) => axis);
  const list = typeof axes === 'number' ? [axes] : axes;
  const resolved = list.map((axis) => normalizeAxis(op, axis, rank));
  const distinct = [...new Set(resolved)].sort((x, y) => x - y);
  if (distinct.length !== resolved.length) {
    throw new Error(`${op}: axis list [${list.join(',')}] repeats an axis`);
  }
  return distinct;
}
