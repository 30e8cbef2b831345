// Data-movement kernels: strided views (permute, slice, expand, pad), concat, gather and
// index-select, each with its adjoint scatter. Imports only kernels/shape.
import { broadcastStrides, shapesEqual, sizeOf, type Shape } from './shape.js';

/**
 * A strided window into a flat array: element `index` of a view of shape `shape` lives at
 * `offset + Σ index[axis]·strides[axis]`. Permutations, slices with steps and broadcasts
 * (stride 0) are all views.
 */
export interface StridedView {
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * Walks the view of shape `shape` in row-major order, calling `visitRun(position, source)` at
 * the start of every innermost run. Shared by `readView` and `writeView`.
 */
function walkView(shape: Shape, view: StridedView, visitRun: (position: number, source: number) => void): void {
  const size = sizeOf(shape);
  if (size === 0) return;
  const rank = shape.length;
  if (rank === 0) {
    visitRun(0, view.offset);
    return;
  }
  const inner = shape[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let source = view.offset;
  for (let position = 0; position < size; position += inner) {
    visitRun(position, source);
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]!++;
      source += view.strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      source -= view.strides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
}

/** Copies the view of `source` with shape `shape` into a new contiguous array. */
export function readView(source: Float32Array, shape: Shape, view: StridedView): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  const inner = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const step = shape.length === 0 ? 0 : view.strides[shape.length - 1]!;
  walkView(shape, view, (position, start) => {
    for (let j = 0, s = start; j < inner; j++, s += step) out[position + j] = source[s]!;
  });
  return out;
}

/**
 * The adjoint of `readView`: writes contiguous `values` of shape `shape` into the view of
 * `target`, adding when `accumulate` (a view that reads an element twice gets both back).
 */
export function writeView(
  values: Float32Array,
  shape: Shape,
  view: StridedView,
  target: Float32Array,
  accumulate: boolean,
): void {
  const inner = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const step = shape.length === 0 ? 0 : view.strides[shape.length - 1]!;
  walkView(shape, view, (position, start) => {
    if (accumulate) {
      for (let j = 0, t = start; j < inner; j++, t += step) target[t]! += values[position + j]!;
    } else {
      for (let j = 0, t = start; j < inner; j++, t += step) target[t] = values[position + j]!;
    }
  });
}

/**
 * `data` of `shape` read as an array of the broadcast shape `target` (NumPy rules, checked by
 * the caller). Returns `data` itself, not a copy, when the shapes are already equal.
 */
export function broadcastTo(data: Float32Array, shape: Shape, target: Shape): Float32Array {
  if (shapesEqual(shape, target)) return data;
  return readView(data, target, { offset: 0, strides: broadcastStrides(shape, target) });
}

/** Sizes of the blocks before, along and after `axis`: a tensor is [outer, length, inner]. */
export function splitAtAxis(shape: Shape, axis: number): { outer: number; length: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), length: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/** Joins arrays along `axis`; `shapes` agree on every other axis (checked by the caller). */
export function concatAlong(parts: readonly Float32Array[], shapes: readonly Shape[], axis: number): Float32Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Float32Array(total);
  const { outer, inner } = splitAtAxis(shapes[0]!, axis);
  const outRow = shapes.reduce((sum, shape) => sum + shape[axis]!, 0) * inner;
  let column = 0;
  parts.forEach((part, p) => {
    const row = shapes[p]![axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(part.subarray(o * row, (o + 1) * row), o * outRow + column);
    column += row;
  });
  return out;
}

/** out[..., i, ...] = x[..., indices[i], ...] along `axis` (indices validated by the caller). */
export function indexSelectAlong(
  x: Float32Array,
  shape: Shape,
  axis: number,
  indices: ArrayLike<number>,
): Float32Array {
  const { outer, length, inner } = splitAtAxis(shape, axis);
  const out = new Float32Array(outer * indices.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indices.length; i++) {
      const from = (o * length + indices[i]!) * inner;
      out.set(x.subarray(from, from + inner), (o * indices.length + i) * inner);
    }
  }
  return out;
}

/** Adjoint of `indexSelectAlong`: grad (selected shape) is added back at the selected rows. */
export function indexAddAlong(
  grad: Float32Array,
  inputShape: Shape,
  axis: number,
  indices: ArrayLike<number>,
): Float32Array {
  const { outer, length, inner } = splitAtAxis(inputShape, axis);
  const out = new Float32Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indices.length; i++) {
      const to = (o * length + indices[i]!) * inner;
      const from = (o * indices.length + i) * inner;
      for (let j = 0; j < inner; j++) out[to + j]! += grad[from + j]!;
    }
  }
  return out;
}

/**
 * torch.gather: out[p] = x[p with its `axis` coordinate replaced by index[p]]; `index` has the
 * shape of the output and, on every other axis, lengths no larger than x's.
 */
export function gatherAlong(
  x: Float32Array,
  shape: Shape,
  axis: number,
  index: ArrayLike<number>,
  indexShape: Shape,
): Float32Array {
  const out = new Float32Array(index.length);
  forEachGathered(shape, axis, indexShape, index, (position, source) => {
    out[position] = x[source]!;
  });
  return out;
}

/** Adjoint of `gatherAlong`: scatter-adds output-shaped `grad` into a new input-shaped array. */
export function scatterAddAlong(
  grad: Float32Array,
  shape: Shape,
  axis: number,
  index: ArrayLike<number>,
  indexShape: Shape,
): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  forEachGathered(shape, axis, indexShape, index, (position, source) => {
    out[source]! += grad[position]!;
  });
  return out;
}

function forEachGathered(
  shape: Shape,
  axis: number,
  indexShape: Shape,
  index: ArrayLike<number>,
  visit: (position: number, source: number) => void,
): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let a = rank - 1, stride = 1; a >= 0; a--) {
    strides[a] = stride;
    stride *= shape[a]!;
  }
  const coordinate = new Array<number>(rank).fill(0);
  for (let position = 0; position < index.length; position++) {
    let source = 0;
    for (let a = 0; a < rank; a++) source += (a === axis ? index[position]! : coordinate[a]!) * strides[a]!;
    visit(position, source);
    for (let a = rank - 1; a >= 0; a--) {
      if (++coordinate[a]! < indexShape[a]!) break;
      coordinate[a] = 0;
    }
  }
}
