// Reduction primitives: sum, max and min over any set of axes. Mean, var, std and logsumexp are
// composites in ops/. Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { broadcastTo } from '../../kernels/layout.js';
import { keptShape, reduce } from '../../kernels/reduce.js';
import { formatShape, type Shape } from '../../kernels/shape.js';

/** The output shape: the kept shape, or without the reduced axes unless `keepdims`. */
function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, axis) => !axes.includes(axis));
}

/** Sum over `axes` (sorted, distinct, non-negative; validated by the caller). */
export function sum(x: RawTensor, axes: readonly number[], keepdims: boolean): PrimitiveResult {
  const kept = keptShape(x.shape, axes);
  return {
    output: { data: reduce(x.data, x.shape, axes, 'sum'), shape: reducedShape(x.shape, axes, keepdims) },
    // Every input element contributed once: it gets the gradient of its output element.
    backward: ({ data: g }) => [{ data: broadcastTo(g, kept, x.shape), shape: x.shape }],
  };
}

/**
 * Max or min over `axes`. NOTE(ties): the gradient is shared equally among all elements that
 * attain the extreme (like `torch.amax`), so it sums to the output's gradient whatever the ties.
 */
export function extreme(
  kind: 'max' | 'min',
  x: RawTensor,
  axes: readonly number[],
  keepdims: boolean,
): PrimitiveResult {
  const empty = axes.find((axis) => x.shape[axis] === 0);
  if (empty !== undefined) {
    throw new Error(
      `${kind}: cannot reduce axis ${empty} of length 0 in ${formatShape(x.shape)}: an empty axis has no ${kind}`,
    );
  }
  const kept = keptShape(x.shape, axes);
  const out = reduce(x.data, x.shape, axes, kind);
  return {
    output: { data: out, shape: reducedShape(x.shape, axes, keepdims) },
    backward: ({ data: g }) => {
      const extremes = broadcastTo(out, kept, x.shape);
      const mask = new Float32Array(x.data.length);
      for (let i = 0; i < mask.length; i++) mask[i] = x.data[i] === extremes[i] ? 1 : 0;
      const counts = broadcastTo(reduce(mask, x.shape, axes, 'sum'), kept, x.shape);
      const gradients = broadcastTo(g, kept, x.shape);
      const gradient = new Float32Array(mask.length);
      for (let i = 0; i < gradient.length; i++) {
        if (mask[i] !== 0) gradient[i] = gradients[i]! / counts[i]!;
      }
      return [{ data: gradient, shape: x.shape }];
    },
  };
}
