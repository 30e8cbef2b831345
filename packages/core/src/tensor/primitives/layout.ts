// Shape and data-movement primitives: reshape, permute, expand, slice, pad, concat, indexSelect,
// gather. Arguments arrive validated by the Tensor methods. Imports kernels and graph types.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import {
  concatAlong,
  gatherAlong,
  indexAddAlong,
  indexSelectAlong,
  readView,
  scatterAddAlong,
  writeView,
  type StridedView,
} from '../../kernels/layout.js';
import { checkElements } from '../../kernels/element-limit.js';
import { sizeOf, stridesOf, type Shape } from '../../kernels/shape.js';

/** Same data, new shape of the same size (tensors are contiguous, so no copy). */
export function reshape(x: RawTensor, shape: Shape): PrimitiveResult {
  return {
    output: { data: x.data, shape },
    backward: ({ data: g }) => [{ data: g, shape: x.shape }],
  };
}

/** Reorders the axes: output axis i is input axis `order[i]`. */
export function permute(x: RawTensor, order: readonly number[]): PrimitiveResult {
  const strides = stridesOf(x.shape);
  const shape = order.map((axis) => x.shape[axis]!);
  const out = readView(x.data, shape, { offset: 0, strides: order.map((axis) => strides[axis]!) });
  const inverse = new Array<number>(order.length);
  order.forEach((axis, i) => (inverse[axis] = i));
  const outStrides = stridesOf(shape);
  return {
    output: { data: out, shape },
    backward: ({ data: g }) => [
      { data: readView(g, x.shape, { offset: 0, strides: inverse.map((axis) => outStrides[axis]!) }), shape: x.shape },
    ],
  };
}

/**
 * Broadcasts to `shape` (materialised). Its backward returns the gradient in the expanded
 * shape: summing it back is the engine's un-broadcast.
 */
export function expand(x: RawTensor, shape: Shape, view: StridedView): PrimitiveResult {
  checkElements('expand', shape, 'target shape');
  return {
    output: { data: readView(x.data, shape, view), shape },
    backward: (gradOutput) => [gradOutput],
  };
}

/** The elements of a strided view (a slice with steps); the gradient goes back to where they came from. */
export function stridedSlice(x: RawTensor, shape: Shape, view: StridedView): PrimitiveResult {
  return {
    output: { data: readView(x.data, shape, view), shape },
    backward: ({ data: g }) => {
      const gradient = new Float32Array(x.data.length);
      writeView(g, shape, view, gradient, true);
      return [{ data: gradient, shape: x.shape }];
    },
  };
}

/** Constant padding: `before[axis]` and `after[axis]` elements of `value` around every axis. */
export function pad(x: RawTensor, before: readonly number[], after: readonly number[], value: number): PrimitiveResult {
  const shape = x.shape.map((length, axis) => length + before[axis]! + after[axis]!);
  checkElements('pad', shape, 'output shape');
  const strides = stridesOf(shape);
  const interior: StridedView = {
    offset: before.reduce((offset, count, axis) => offset + count * strides[axis]!, 0),
    strides,
  };
  const out = new Float32Array(sizeOf(shape)).fill(value);
  writeView(x.data, x.shape, interior, out, false);
  return {
    output: { data: out, shape },
    backward: ({ data: g }) => [{ data: readView(g, x.shape, interior), shape: x.shape }],
  };
}

/** Joins tensors along `axis`; each gets back its own band of the gradient. */
export function concat(parts: readonly RawTensor[], axis: number): PrimitiveResult {
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((total, part) => total + part.shape[axis]!, 0);
  checkElements('concat', shape, 'output shape');
  const out = concatAlong(
    parts.map((part) => part.data),
    parts.map((part) => part.shape),
    axis,
  );
  const strides = stridesOf(shape);
  return {
    output: { data: out, shape },
    backward: ({ data: g }) => {
      let start = 0;
      return parts.map((part) => {
        const view = { offset: start * strides[axis]!, strides };
        start += part.shape[axis]!;
        return { data: readView(g, part.shape, view), shape: part.shape };
      });
    },
  };
}

/** Picks whole slices along `axis` by index (indices may repeat; their gradients add up). */
export function indexSelect(x: RawTensor, axis: number, indices: ArrayLike<number>): PrimitiveResult {
  const shape = [...x.shape];
  shape[axis] = indices.length;
  checkElements('indexSelect', shape, 'output shape');
  return {
    output: { data: indexSelectAlong(x.data, x.shape, axis, indices), shape },
    backward: ({ data: g }) => [{ data: indexAddAlong(g, x.shape, axis, indices), shape: x.shape }],
  };
}

/** torch.gather along `axis`: the output has the index's shape. */
export function gather(x: RawTensor, axis: number, index: RawTensor): PrimitiveResult {
  return {
    output: { data: gatherAlong(x.data, x.shape, axis, index.data, index.shape), shape: index.shape },
    backward: ({ data: g }) => [{ data: scatterAddAlong(g, x.shape, axis, index.data, index.shape), shape: x.shape }],
  };
}
