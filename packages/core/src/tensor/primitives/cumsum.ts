// The cumulative-sum primitive and its backward rule (the reversed scan of the gradient).
// Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { cumulativeSum } from '../../kernels/scan.js';

/** out[…, i, …] = Σ_{j ≤ i} x[…, j, …] along `axis` (resolved by the caller). */
export function cumsum(x: RawTensor, axis: number): PrimitiveResult {
  return {
    output: { data: cumulativeSum(x.data, x.shape, axis, false), shape: x.shape },
    // ∂out_i/∂x_j = 1 for j ≤ i, so x_j's gradient is the sum of the output gradient from j on.
    backward: ({ data: g }) => [{ data: cumulativeSum(g, x.shape, axis, true), shape: x.shape }],
  };
}
